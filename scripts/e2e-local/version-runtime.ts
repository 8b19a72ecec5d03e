/**
 * One Lambda function version running on this machine: a child process (lambda-runtime.mjs)
 * in the version's unpacked package with only the version's environment, Lambda's defined
 * runtime variables and the emulator's endpoint, as Lambda gives an execution environment.
 * Every version gets its own process, so two builds of one framework never share a module
 * graph or globals, and nothing of the edge's process leaks into the function's.
 *
 * Invocations go over IPC: a buffered handler's JSON result becomes the HTTP response by the
 * payload 2.0 rules (lambda-event.ts); a streaming handler's metadata and chunks are passed
 * on as they arrive. If the process dies, its invocations fail (502 at the edge) and the next
 * invocation starts a new one, as Lambda replaces a crashed environment.
 */
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fromResultV2, type HttpEventV2 } from "./lambda-event";
import type { LocalResponse, StreamMetadata } from "./local-function";

const RUNTIME_FILE = path.join(__dirname, "lambda-runtime.mjs");
const START_TIMEOUT_MS = 60_000;

export interface VersionRuntimeOptions {
  /** The unpacked package (LAMBDA_TASK_ROOT, the working directory). */
  readonly taskRoot: string;
  /** The handler's file and export, from the version's `Handler` (handlerFile). */
  readonly handlerFile: string;
  readonly exportName: string;
  /** Everything the process sees in process.env. */
  readonly environment: Readonly<Record<string, string>>;
  /** Where the function's own output (console.log, warnings) goes, line by line. */
  readonly log: (line: string) => void;
}

export interface VersionRuntime {
  invoke(event: HttpEventV2): Promise<LocalResponse>;
  stop(): Promise<void>;
}

type Message =
  | { readonly type: "ready"; readonly streaming: boolean }
  | { readonly type: "init-error"; readonly message: string }
  | { readonly type: "result"; readonly id: number; readonly result: unknown }
  | { readonly type: "head"; readonly id: number; readonly metadata: StreamMetadata }
  | { readonly type: "chunk"; readonly id: number; readonly data: string }
  | { readonly type: "end"; readonly id: number }
  | { readonly type: "error"; readonly id: number; readonly message: string };

/** What an invocation in flight waits for. */
interface Pending {
  onMessage(message: Exclude<Message, { type: "ready" | "init-error" }>): void;
  onExit(error: Error): void;
}

interface Environment {
  readonly child: ChildProcess;
  readonly streaming: boolean;
  readonly pending: Map<number, Pending>;
}

export function versionRuntime(options: VersionRuntimeOptions): VersionRuntime {
  let current: Promise<Environment> | undefined;
  let nextId = 0;
  let stopped = false;

  const start = (): Promise<Environment> => {
    const started = startEnvironment(options).catch((error: unknown) => {
      current = undefined;
      throw error;
    });
    started.then(
      (environment) =>
        environment.child.once("exit", () => {
          if (current === started) current = undefined;
        }),
      () => {},
    );
    return started;
  };

  return {
    async invoke(event) {
      if (stopped) throw new Error("the runtime was stopped");
      current ??= start();
      const environment = await current;
      const id = ++nextId;
      const message = { type: "invoke", id, event };
      if (!environment.streaming) {
        return new Promise<LocalResponse>((resolve, reject) => {
          environment.pending.set(id, {
            onMessage: (reply) => {
              environment.pending.delete(id);
              if (reply.type === "result") resolve({ kind: "buffered", response: fromResultV2(reply.result) });
              else reject(new Error(reply.type === "error" ? reply.message : `unexpected ${reply.type} from a buffered handler`));
            },
            onExit: reject,
          });
          environment.child.send(message);
        });
      }
      return {
        kind: "streaming",
        run: (sink) =>
          new Promise<void>((resolve, reject) => {
            environment.pending.set(id, {
              onMessage: (reply) => {
                switch (reply.type) {
                  case "head":
                    return sink.head(reply.metadata);
                  case "chunk":
                    return sink.chunk(Buffer.from(reply.data, "base64"));
                  case "end":
                    environment.pending.delete(id);
                    return resolve();
                  case "error":
                    environment.pending.delete(id);
                    return reject(new Error(reply.message));
                  default:
                    environment.pending.delete(id);
                    return reject(new Error(`unexpected ${reply.type} from a streaming handler`));
                }
              },
              onExit: reject,
            });
            environment.child.send(message);
          }),
      };
    },
    async stop() {
      stopped = true;
      const environment = await current?.catch(() => undefined);
      if (!environment || environment.child.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        environment.child.once("exit", () => resolve());
        environment.child.kill("SIGTERM");
      });
    },
  };
}

function startEnvironment(options: VersionRuntimeOptions): Promise<Environment> {
  return new Promise((resolve, reject) => {
    const child = fork(RUNTIME_FILE, [], {
      cwd: options.taskRoot,
      env: { ...options.environment, LOCAL_LAMBDA_HANDLER_FILE: options.handlerFile, LOCAL_LAMBDA_HANDLER_EXPORT: options.exportName },
      // The function's own output goes to the log, never to this process's stdout (--json).
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      execArgv: [],
    });
    for (const stream of [child.stdout, child.stderr]) {
      let rest = "";
      stream?.on("data", (chunk: Buffer) => {
        const lines = (rest + chunk.toString("utf8")).split("\n");
        rest = lines.pop() ?? "";
        for (const line of lines) if (line.trim() !== "") options.log(line);
      });
    }
    const pending = new Map<number, Pending>();
    let ready = false;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the function did not start within ${START_TIMEOUT_MS / 1000} s`));
    }, START_TIMEOUT_MS);
    child.on("message", (message: Message) => {
      if (message.type === "ready") {
        ready = true;
        clearTimeout(timer);
        resolve({ child, streaming: message.streaming, pending });
      } else if (message.type === "init-error") {
        clearTimeout(timer);
        reject(new Error(`the function failed to start: ${message.message}`));
      } else {
        pending.get(message.id)?.onMessage(message);
      }
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      if (!ready) reject(error);
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      const error = new Error(`the function's process exited (${signal ?? `code ${code}`})`);
      if (!ready) reject(error);
      for (const waiting of pending.values()) waiting.onExit(error);
      pending.clear();
    });
  });
}
