/**
 * The execution environment of one Lambda function version on this machine: a child process
 * of the local edge (version-runtime.ts), started in the version's unpacked package (its task
 * root) with the version's environment variables, as Lambda starts one. It imports the
 * handler once, then runs the invocations the edge sends over IPC and sends back what
 * Lambda would: a buffered handler's return value (JSON, as Lambda serializes it), or a
 * streaming handler's metadata and chunks as they are written.
 *
 * Plain JavaScript on purpose: it must start fast and load nothing of the workspace into the
 * function's process (no tsx, no workspace modules), as on Lambda.
 *
 * Messages in:  {type: "invoke", id, event}
 * Messages out: {type: "ready", streaming} | {type: "init-error", message}
 *               {type: "result", id, result} | {type: "head", id, metadata}
 *               {type: "chunk", id, data (base64)} | {type: "end", id} | {type: "error", id, message}
 */
import { Writable } from "node:stream";
import { pathToFileURL } from "node:url";

const STREAMING = Symbol.for("local-lambda.streamifyResponse");
const { LOCAL_LAMBDA_HANDLER_FILE: handlerFile, LOCAL_LAMBDA_HANDLER_EXPORT: exportName } = process.env;
delete process.env.LOCAL_LAMBDA_HANDLER_FILE;
delete process.env.LOCAL_LAMBDA_HANDLER_EXPORT;

/**
 * `awslambda` as the Node.js Lambda runtime defines it for response streaming (Lambda
 * developer guide, "Writing response streaming-enabled Lambda functions").
 */
globalThis.awslambda = {
  streamifyResponse(fn) {
    fn[STREAMING] = true;
    return fn;
  },
  HttpResponseStream: {
    from(stream, metadata) {
      stream.setMetadata?.(metadata);
      return stream;
    },
  },
};

const send = (message) => process.send?.(message);

let handler;
try {
  const loaded = await import(pathToFileURL(handlerFile).href);
  handler = loaded[exportName] ?? loaded.default?.[exportName];
  if (typeof handler !== "function") throw new Error(`${handlerFile} exports no ${exportName} function`);
} catch (error) {
  send({ type: "init-error", message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}

const context = (id) => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? "local",
  functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION ?? "$LATEST",
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? "128",
  awsRequestId: `local-${process.pid}-${id}`,
  getRemainingTimeInMillis: () => 30_000,
});

function invokeStreaming(id, event) {
  let headSent = false;
  const head = (metadata) => {
    if (headSent) return;
    headSent = true;
    send({ type: "head", id, metadata: metadata ?? { statusCode: 200 } });
  };
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      head({ statusCode: 200 });
      send({ type: "chunk", id, data: Buffer.from(chunk).toString("base64") });
      callback();
    },
    final(callback) {
      head({ statusCode: 200 });
      callback();
    },
  });
  stream.setMetadata = head;
  stream.once("finish", () => send({ type: "end", id }));
  stream.once("error", (error) => send({ type: "error", id, message: String(error) }));
  Promise.resolve(handler(event, stream, context(id))).catch((error) => {
    send({ type: "error", id, message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  });
}

async function invokeBuffered(id, event) {
  try {
    const result = await handler(event, context(id));
    send({ type: "result", id, result: result === undefined ? null : result });
  } catch (error) {
    send({ type: "error", id, message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
}

process.on("message", (message) => {
  if (message?.type !== "invoke") return;
  if (handler[STREAMING]) invokeStreaming(message.id, message.event);
  else void invokeBuffered(message.id, message.event);
});
// The edge stops this environment by closing the channel (or with SIGTERM).
process.on("disconnect", () => process.exit(0));
send({ type: "ready", streaming: Boolean(handler[STREAMING]) });
