/**
 * Runs one function of the app build in this process, the way Lambda would: its handler
 * file imported with the function's environment variables set first (framework bundles read
 * them at import), called with a payload 2.0 event. Handlers wrapped with Lambda's
 * `awslambda.streamifyResponse` (response streaming) get a stand-in for that runtime global:
 * the response metadata arrives through `awslambda.HttpResponseStream.from`, the body as
 * stream writes, so the edge can pass chunks on as they come.
 *
 * A function whose bundle carries native code for another CPU (sharp's linux-arm64 binary on
 * an x64 machine) cannot run here; it is reported as unavailable with the reason.
 */
import { existsSync } from "node:fs";
import { arch } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { pathToFileURL } from "node:url";
import type { AppFunction } from "../../lib/app-build/description";
import { UserError } from "../../lib/errors";
import { fromResultV2, type HttpEventV2, type HttpResponse } from "./lambda-event";

const STREAMING = Symbol.for("e2e-local.streamifyResponse");

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

export type LocalFunction =
  | { readonly available: true; readonly id: string; invoke(event: HttpEventV2): Promise<LocalResponse> }
  | { readonly available: false; readonly id: string; readonly reason: string };

type Handler = (event: unknown, second?: unknown, third?: unknown) => unknown;

/** Node's name for this machine's CPU in Lambda's terms. */
export function hostArchitecture(): "arm64" | "x86_64" | "other" {
  const cpu = arch();
  return cpu === "arm64" ? "arm64" : cpu === "x64" ? "x86_64" : "other";
}

export async function loadLocalFunction(fn: AppFunction, environment: Readonly<Record<string, string>>): Promise<LocalFunction> {
  if (fn.architecture && fn.architecture !== hostArchitecture()) {
    return {
      available: false,
      id: fn.id,
      reason: `function ${fn.id} carries native code for ${fn.architecture} and this machine is ${arch()}; build it for ${hostArchitecture()} to run it locally`,
    };
  }
  installStreamingGlobal();
  Object.assign(process.env, environment);
  const handler = await importHandler(fn);
  return { available: true, id: fn.id, invoke: (event) => invoke(handler, event) };
}

/** The handler's file (`index.handler` → index.mjs, .js or .cjs in the bundle) and export name. */
export function handlerFile(fn: Pick<AppFunction, "id" | "bundleDir" | "handler">): { readonly file: string; readonly exportName: string } {
  const [fileStem, exportName] = splitHandler(fn.handler);
  const file = ["mjs", "js", "cjs"].map((ext) => path.join(fn.bundleDir, `${fileStem}.${ext}`)).find((candidate) => existsSync(candidate));
  if (!file) throw new UserError(`function ${fn.id}: no ${fileStem}.mjs, .js or .cjs in ${fn.bundleDir} for handler ${fn.handler}`);
  return { file, exportName };
}

async function importHandler(fn: AppFunction): Promise<Handler> {
  const { file, exportName } = handlerFile(fn);
  const loaded = (await import(pathToFileURL(file).href)) as Record<string, unknown> & { default?: Record<string, unknown> };
  const handler = loaded[exportName] ?? loaded.default?.[exportName];
  if (typeof handler !== "function") throw new UserError(`function ${fn.id}: ${file} exports no ${exportName} function`);
  return handler as Handler;
}

function splitHandler(handler: string): [string, string] {
  const dot = handler.lastIndexOf(".");
  if (dot <= 0) throw new UserError(`handler ${JSON.stringify(handler)} must be <file>.<export>`);
  return [handler.slice(0, dot), handler.slice(dot + 1)];
}

const lambdaContext = () => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName: "local",
  functionVersion: "$LATEST",
  awsRequestId: `local-${Date.now()}`,
  getRemainingTimeInMillis: () => 30_000,
});

async function invoke(handler: Handler, event: HttpEventV2): Promise<LocalResponse> {
  if ((handler as unknown as Record<symbol, unknown>)[STREAMING]) {
    return {
      kind: "streaming",
      run: (sink) =>
        new Promise<void>((resolve, reject) => {
          let headSent = false;
          const head = (metadata: StreamMetadata) => {
            if (!headSent) {
              headSent = true;
              sink.head(metadata);
            }
          };
          const stream = new Writable({
            write(chunk: Buffer, _encoding, callback) {
              head({ statusCode: 200 });
              sink.chunk(Buffer.from(chunk));
              callback();
            },
            final(callback) {
              head({ statusCode: 200 });
              callback();
            },
          });
          (stream as Writable & { setMetadata?: (m: StreamMetadata) => void }).setMetadata = head;
          stream.once("finish", () => resolve());
          stream.once("error", reject);
          Promise.resolve(handler(event, stream, lambdaContext())).catch(reject);
        }),
    };
  }
  return { kind: "buffered", response: fromResultV2(await handler(event, lambdaContext())) };
}

/**
 * `awslambda` as the Node.js Lambda runtime defines it for response streaming
 * (Lambda developer guide, "Writing response streaming-enabled Lambda functions").
 */
function installStreamingGlobal(): void {
  const global = globalThis as { awslambda?: Record<string, unknown> };
  if (typeof global.awslambda?.streamifyResponse === "function") return;
  global.awslambda = {
    ...global.awslambda,
    streamifyResponse(fn: Handler): Handler {
      (fn as unknown as Record<symbol, unknown>)[STREAMING] = true;
      return fn;
    },
    HttpResponseStream: {
      from(stream: Writable & { setMetadata?: (m: StreamMetadata) => void }, metadata: StreamMetadata): Writable {
        stream.setMetadata?.(metadata);
        return stream;
      },
    },
  };
}
