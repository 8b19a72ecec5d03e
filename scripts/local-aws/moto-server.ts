/**
 * Starts a local AWS API emulator (moto_server) on a free loopback port. Used by the jest
 * global setup, the demo and the benchmarks, so all three talk to the same kind of server
 * through the real AWS SDK.
 *
 * Finding it: `moto_server` on PATH, else `python3 -m moto.server`, else a project-local
 * virtualenv (`.venv/`, git-ignored) into which `moto[server]` is installed with pip.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { UserError } from "../../lib/errors";

const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
const VENV_DIR = path.join(PROJECT_ROOT, ".venv");
const START_TIMEOUT_MS = 60_000;

export interface MotoServer {
  /** e.g. http://127.0.0.1:40123 */
  readonly endpoint: string;
  readonly pid: number;
  /** Clears every resource (POST /moto-api/reset). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

interface Launcher {
  readonly command: string;
  readonly args: readonly string[];
}

/**
 * Picks how to run moto, installing it into `.venv/` as a last resort. When nothing works
 * that is the machine's set-up, not a bug: a UserError saying what to install.
 */
export function findMotoLauncher(options: { readonly venvDir?: string; readonly env?: NodeJS.ProcessEnv } = {}): Launcher {
  const { venvDir = VENV_DIR, env = process.env } = options;
  const works = (command: string, args: string[]) =>
    spawnSync(command, args, { stdio: "ignore", timeout: 30_000, env }).status === 0;

  const venvServer = path.join(venvDir, "bin", "moto_server");
  if (existsSync(venvServer)) return { command: venvServer, args: [] };
  if (works("moto_server", ["--help"])) return { command: "moto_server", args: [] };
  if (works("python3", ["-c", "import moto.server, flask"])) {
    return { command: "python3", args: ["-m", "moto.server"] };
  }
  process.stderr.write(`moto_server not found; installing moto[server] into ${venvDir}\n`);
  const venv = spawnSync("python3", ["-m", "venv", venvDir], { stdio: "inherit", env });
  const pip = path.join(venvDir, "bin", "pip");
  const install =
    venv.status === 0 ? spawnSync(pip, ["install", "--quiet", "moto[server]>=5,<6"], { stdio: "inherit", env }) : venv;
  if (install.status !== 0 || !existsSync(venvServer)) {
    throw new UserError(
      "cannot start the local AWS emulator: moto_server is not on PATH, python3 cannot import moto, " +
        `and installing moto[server] into ${venvDir} failed${venv.error ? ` (${venv.error.message})` : ""}. ` +
        'Install Python 3 and then: pip install "moto[server]"',
    );
  }
  return { command: venvServer, args: [] };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export interface MotoServerOptions {
  readonly port?: number;
  /**
   * The account every request acts in (moto's MOTO_ACCOUNT_ID), e.g. an environment's own.
   * @default moto's 123456789012
   */
  readonly accountId?: string;
}

export async function startMotoServer(options: MotoServerOptions = {}): Promise<MotoServer> {
  const launcher = findMotoLauncher();
  const port = options.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(launcher.command, [...launcher.args, "-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "ignore", "pipe"],
    detached: false,
    env: options.accountId ? { ...process.env, MOTO_ACCOUNT_ID: options.accountId } : process.env,
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });

  await waitUntilReady(endpoint, child, () => stderr);
  child.stderr?.removeAllListeners("data");
  child.stderr?.resume();

  return {
    endpoint,
    pid: child.pid ?? -1,
    reset: async () => {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
      if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
    },
    stop: () => stopProcess(child),
  };
}

async function waitUntilReady(endpoint: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new UserError(`moto_server exited with code ${child.exitCode} before it was ready:\n${stderr()}`);
    }
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  throw new UserError(`moto_server did not answer on ${endpoint} within ${START_TIMEOUT_MS / 1000} s:\n${stderr()}`);
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** Environment for SDK clients that talk to a local emulator (dummy credentials, fixed region). */
export function localAwsEnvironment(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
    AWS_REGION: "us-east-1",
    AWS_DEFAULT_REGION: "us-east-1",
  };
}
