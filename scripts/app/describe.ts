/**
 * What the pipeline needs to know about the app build, as plain data: where the build is
 * (the folder its artifact must carry), what sync-assets uploads and where, and which
 * functions a release moves. Paths are relative to the workspace root, with `/`, so a
 * workflow can hand them to actions/upload-artifact as they are.
 */
import path from "node:path";
import { releasedFunctions, type AppBuildDescription } from "../../lib/app-build/description";

export interface AppView {
  readonly kind: string;
  readonly buildId: string;
  /** The build's root folder (what app.config.ts's dir or APP_DIR resolve to). */
  readonly root: string;
  /** The folder the build tool wrote: what the build artifact carries besides cdktf.out/. */
  readonly outputDir: string;
  readonly functions: readonly string[];
  /** The functions a release moves (aliases traffic reaches). */
  readonly releasedFunctions: readonly string[];
  readonly staticFiles: { readonly dir: string; readonly keyPrefix: string };
  /** Absent when the build has no prebuilt cache (only OpenNext builds have one). */
  readonly incrementalCache?: { readonly dir: string; readonly keyPrefix: string };
}

export function describeApp(description: AppBuildDescription, workspaceRoot: string): AppView {
  const relative = (dir: string) => path.relative(workspaceRoot, dir).split(path.sep).join("/") || ".";
  const cache = description.incrementalCache;
  return {
    kind: description.kind,
    buildId: description.buildId,
    root: relative(description.root),
    outputDir: relative(description.outputDir ?? description.root),
    functions: description.functions.map((fn) => fn.id),
    releasedFunctions: releasedFunctions(description).map((fn) => fn.id),
    staticFiles: { dir: relative(description.staticFiles.dir), keyPrefix: description.staticFiles.keyPrefix },
    ...(cache ? { incrementalCache: { dir: relative(cache.dir), keyPrefix: cache.keyPrefix } } : {}),
  };
}

/** The human-readable form: one fact per line. */
export function renderApp(view: AppView): string {
  return [
    `app build: ${view.kind} in ${view.root} (build ${view.buildId}; the build tool's output: ${view.outputDir})`,
    `functions: ${view.functions.join(", ")} (a release moves ${view.releasedFunctions.join(", ")})`,
    `static files: ${view.staticFiles.dir} -> assets bucket ${view.staticFiles.keyPrefix || "(no key prefix)"}`,
    view.incrementalCache
      ? `incremental cache: ${view.incrementalCache.dir} -> assets bucket ${view.incrementalCache.keyPrefix} (sync it before the static files)`
      : "incremental cache: none",
  ].join("\n");
}
