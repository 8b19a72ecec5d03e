/**
 * The one entry point: the app build this command deploys, as a description. Reads
 * app.config.ts (or APP_DIR), detects or checks the kind, runs that kind's adapter and
 * checks what every consumer relies on. Reads files when called, never at import.
 */
import path from "node:path";
import { UserError } from "../errors";
import { ASSETS_PREFIX } from "../naming";
import { describeExampleBuild } from "./adapters/example";
import { describeNitroBuild } from "./adapters/nitro";
import { describeOpenNextBuild } from "./adapters/opennext";
import type { AppBuildKind } from "./config";
import { resolveAppDir } from "./config";
import { DESCRIPTION_ID, SERVER_FUNCTION_ID, type AppBuildDescription } from "./description";
import { BUILD_OUTPUT_FOLDER, detectBuild, expectBuild } from "./detect";

const ADAPTERS: Readonly<Record<AppBuildKind, (root: string) => AppBuildDescription>> = {
  opennext: describeOpenNextBuild,
  nitro: describeNitroBuild,
  example: describeExampleBuild,
};

/**
 * CloudFront's default quota is 75 cache behaviours per distribution (CloudFront developer
 * guide, "Quotas"); the distribution adds `/api/*` to the build's own.
 */
export const MAX_BUILD_BEHAVIOURS = 74;

export function loadAppBuild(vars: Readonly<Record<string, string | undefined>> = process.env): AppBuildDescription {
  const resolved = resolveAppDir(vars);
  return describeAppBuild(resolved.dir, resolved.source, resolved.kind);
}

/** The description of the build in `dir`; `source` says where `dir` came from, for errors. */
export function describeAppBuild(dir: string, source: string, kind: AppBuildKind | "auto" = "auto"): AppBuildDescription {
  const absolute = path.resolve(dir);
  const detected = kind === "auto" ? detectBuild(absolute, source) : expectBuild(absolute, source, kind);
  const description = ADAPTERS[detected.kind](detected.root);
  const problems = checkDescription(description);
  if (problems.length > 0) throw new UserError(`app build ${detected.root} (${detected.kind}): ${problems.join("; ")}`);
  return { ...description, outputDir: path.join(detected.root, BUILD_OUTPUT_FOLDER[detected.kind]) };
}

/** What stacks, sync and the edge rely on; each problem says what to change. */
export function checkDescription(description: AppBuildDescription): string[] {
  const problems: string[] = [];
  const functionIds = new Set(description.functions.map((fn) => fn.id));
  if (!functionIds.has(SERVER_FUNCTION_ID)) problems.push(`no "${SERVER_FUNCTION_ID}" function`);
  if (functionIds.size !== description.functions.length) problems.push("two functions share an id");
  const ids = [...functionIds, ...description.tables.map((t) => t.id), ...description.queues.map((q) => q.id)];
  for (const id of ids) if (!DESCRIPTION_ID.test(id)) problems.push(`id ${JSON.stringify(id)} must be lower-case words joined by hyphens`);
  for (const behaviour of description.behaviours) {
    const { target } = behaviour;
    if (target.kind === "function" && !functionIds.has(target.functionId)) {
      problems.push(`behaviour ${behaviour.pathPattern} targets unknown function ${target.functionId}`);
    }
    if (target.kind === "static-files" && !`${description.staticFiles.keyPrefix}${behaviour.pathPattern}`.startsWith(ASSETS_PREFIX)) {
      problems.push(`static behaviour ${behaviour.pathPattern} would read outside ${ASSETS_PREFIX} in the assets bucket, which CloudFront cannot read`);
    }
  }
  if (description.behaviours.length > MAX_BUILD_BEHAVIOURS) {
    problems.push(
      `${description.behaviours.length} path patterns, more than CloudFront's ${MAX_BUILD_BEHAVIOURS + 1} cache behaviours per distribution allow with /api/*; move top-level public files into a folder`,
    );
  }
  const cache = description.incrementalCache;
  if (cache && (cache.keyPrefix.startsWith(ASSETS_PREFIX) || !cache.keyPrefix.endsWith("/"))) {
    problems.push(`incremental cache prefix ${cache.keyPrefix} must end with "/" and lie outside ${ASSETS_PREFIX} (CloudFront must not serve it)`);
  }
  for (const fn of description.functions) {
    for (const value of Object.values(fn.environment)) {
      if ("ref" in value && value.ref === "table-name" && !description.tables.some((t) => t.id === value.table)) problems.push(`function ${fn.id} names unknown table ${value.table}`);
      if ("ref" in value && value.ref === "queue-url" && !description.queues.some((q) => q.id === value.queue)) problems.push(`function ${fn.id} names unknown queue ${value.queue}`);
    }
    if (fn.trigger.kind === "queue" && !description.queues.some((q) => fn.trigger.kind === "queue" && q.id === fn.trigger.queue)) {
      problems.push(`function ${fn.id} consumes unknown queue ${fn.trigger.queue}`);
    }
  }
  return problems;
}
