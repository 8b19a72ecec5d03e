/**
 * What the local edge knows of a function's answer and of where its handler lives. The
 * function itself runs in a process of its own (version-runtime.ts, lambda-runtime.mjs); this
 * module holds the shapes both sides share and the handler-file rule Lambda's Node.js runtime
 * applies (`index.handler` → index.mjs, .js or .cjs in the task root).
 */
import { existsSync } from "node:fs";
import { arch } from "node:os";
import path from "node:path";
import type { AppBuildDescription, AppFunction } from "../../lib/app-build/description";
import { UserError } from "../../lib/errors";
import type { HttpResponse } from "./lambda-event";

/** What a streaming handler sends first: status and headers (Lambda's HttpResponseStream prelude). */
export interface StreamMetadata {
  readonly statusCode?: number;
  readonly headers?: Record<string, string>;
  readonly cookies?: string[];
}

export type LocalResponse =
  | { readonly kind: "buffered"; readonly response: HttpResponse }
  /** `run` passes the metadata to `head` once the handler sends it, then each chunk to `chunk`. */
  | {
      readonly kind: "streaming";
      readonly run: (sink: { head(metadata: StreamMetadata): void; chunk(data: Buffer): void }) => Promise<void>;
    };

/** Node's name for this machine's CPU in Lambda's terms. */
export function hostArchitecture(): "arm64" | "x86_64" | "other" {
  const cpu = arch();
  return cpu === "arm64" ? "arm64" : cpu === "x64" ? "x86_64" : "other";
}

/** A function whose package carries native code for another CPU (sharp for arm64 on x64), and why it cannot run here. */
export interface UnrunnableFunction {
  readonly id: string;
  readonly reason: string;
}

export function unrunnableFunctions(build: AppBuildDescription, host: string = hostArchitecture()): UnrunnableFunction[] {
  return build.functions
    .filter((fn) => fn.trigger.kind === "http" && fn.architecture !== undefined && fn.architecture !== host)
    .map((fn) => ({ id: fn.id, reason: `function ${fn.id} carries native code for ${fn.architecture} and this machine is ${host}` }));
}

/** The handler's file (`index.handler` → index.mjs, .js or .cjs in the bundle) and export name. */
export function handlerFile(fn: Pick<AppFunction, "id" | "bundleDir" | "handler">): { readonly file: string; readonly exportName: string } {
  const [fileStem, exportName] = splitHandler(fn.handler);
  const file = ["mjs", "js", "cjs"].map((ext) => path.join(fn.bundleDir, `${fileStem}.${ext}`)).find((candidate) => existsSync(candidate));
  if (!file) throw new UserError(`function ${fn.id}: no ${fileStem}.mjs, .js or .cjs in ${fn.bundleDir} for handler ${fn.handler}`);
  return { file, exportName };
}

function splitHandler(handler: string): [string, string] {
  const dot = handler.lastIndexOf(".");
  if (dot <= 0) throw new UserError(`handler ${JSON.stringify(handler)} must be <file>.<export>`);
  return [handler.slice(0, dot), handler.slice(dot + 1)];
}
