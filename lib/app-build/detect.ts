/**
 * Which kind of build a folder holds, from its layout alone. The layouts, in the order they
 * are tried:
 *   - OpenNext: `.open-next/open-next.output.json` (the folder may also be `.open-next` itself);
 *   - Nitro's aws-lambda preset: `.output/nitro.json` (or the `.output` folder itself);
 *   - the example app: `server/index.js` beside `client/` (examples/ssr-app/build.mjs).
 */
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { UserError } from "../errors";
import type { AppBuildKind } from "./config";

export interface DetectedBuild {
  readonly kind: AppBuildKind;
  /** The folder the adapter reads (the project folder holding `.open-next/` or `.output/`). */
  readonly root: string;
}

/**
 * The folder, under a build's root, that the build tool writes and every adapter reads: what
 * a build artifact must carry for the workspace to deploy it elsewhere (not the project's
 * sources or node_modules).
 */
export const BUILD_OUTPUT_FOLDER: Readonly<Record<AppBuildKind, string>> = {
  opennext: ".open-next",
  nitro: ".output",
  // Stryker disable next-line StringLiteral: equivalent, path.join(root, "") is path.join(root, "."), the same folder
  example: ".",
};

export const LAYOUTS_LOOKED_FOR =
  ".open-next/open-next.output.json (OpenNext), .output/nitro.json (Nitro aws-lambda preset), server/index.js + client/ (the example app)";

export function detectBuild(dir: string, source: string): DetectedBuild {
  if (!isDirectory(dir)) {
    throw new UserError(`app build folder ${dir} does not exist or is not a folder (from ${source}); build the app first or fix the path`);
  }
  if (existsSync(path.join(dir, ".open-next", "open-next.output.json"))) return { kind: "opennext", root: dir };
  if (path.basename(dir) === ".open-next" && existsSync(path.join(dir, "open-next.output.json"))) {
    return { kind: "opennext", root: path.dirname(dir) };
  }
  if (existsSync(path.join(dir, ".output", "nitro.json"))) return { kind: "nitro", root: dir };
  if (path.basename(dir) === ".output" && existsSync(path.join(dir, "nitro.json"))) return { kind: "nitro", root: path.dirname(dir) };
  if (existsSync(path.join(dir, "server", "index.js")) && isDirectory(path.join(dir, "client"))) return { kind: "example", root: dir };
  throw new UserError(`${dir} (from ${source}) is not a recognised app build: looked for ${LAYOUTS_LOOKED_FOR}`);
}

/** The folder for a kind the config states, checked against that kind's layout. */
export function expectBuild(dir: string, source: string, kind: AppBuildKind): DetectedBuild {
  const detected = detectBuild(dir, source);
  if (detected.kind !== kind) {
    throw new UserError(`${dir} (from ${source}) holds a ${detected.kind} build, but the app config says kind "${kind}"; fix kind or the folder`);
  }
  return detected;
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
