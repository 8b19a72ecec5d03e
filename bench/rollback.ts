/**
 * Rollback benchmark against a local moto_server: 20 rollbacks through the real CLI, each
 * after an (untimed, in-process) release that moves the alias forward again. Per rollback:
 *   (a) the whole process, spawn to exit, run the way `npm run rollback` runs it (node --import tsx);
 *   (b) its AWS calls: count, summed duration (parallel calls counted in full) and wall time
 *       with a call in flight, as the CLI's own SDK middleware reports them in its --json
 *       output (`aws.calls`, `aws.callMs`, `aws.callWallMs`). The "calls ≤ 200 ms in
 *       total" is judged on the summed duration; the wall time is reported as an extra.
 * The process's CPU time (user + system, from GNU time) is reported too: on a busy machine
 * wall time mostly measures waiting for a CPU. Also 5 runs through `npm run rollback`
 * itself, for npm's own start-up cost.
 * Prints one JSON line on stdout. Usage: npm run bench:rollback
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import path from "node:path";
import { localAwsEnvironment, startMotoServer } from "../scripts/local-aws/moto-server";
import { release } from "../scripts/release/release";
import { createAwsPorts } from "../scripts/release/aws";
import type { ReleaseTarget } from "../scripts/release/ports";
import { createBenchApp, ENV, REGION } from "./rollback/setup";

const ROOT = path.resolve(__dirname, "..");
const RUNS = 20;
const NPM_RUNS = 5;
/** Issue 4's targets: process ≤ 1.5 s, AWS calls ≤ 200 ms in total (summed) and ≤ 6 calls. */
const TARGETS = { processMs: 1500, awsCallMs: 200, awsCalls: 6 } as const;

interface Sample {
  readonly processMs: number;
  readonly processCpuMs: number;
  readonly awsCalls: number;
  readonly awsCallMs: number;
  readonly awsCallWallMs: number;
}
const GNU_TIME = "/usr/bin/time";

async function main(): Promise<void> {
  if (!existsSync(GNU_TIME)) throw new Error(`${GNU_TIME} is required for the process's CPU time (Debian package "time")`);
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const server = await startMotoServer();
  try {
    Object.assign(process.env, localAwsEnvironment(server.endpoint));
    const app = await createBenchApp();
    const target: ReleaseTarget = { env: ENV, bucket: app.bucket, functions: [{ id: "server", functionName: app.functionName, alias: "live" }], alarmPrefix: "bench-" };
    const ports = createAwsPorts({ region: REGION, bucket: app.bucket });
    const forward = async (unpin: boolean) => {
      const result = await release(target, ports, { releaseId: "b", version: "2", gitSha: null, unpin, actor: "bench", runUrl: null });
      if (result.outcome !== "released") throw new Error(`setup release failed: ${JSON.stringify(result)}`);
    };
    await release(target, ports, { releaseId: "a", version: "1", gitSha: null, unpin: false, actor: "bench", runUrl: null });
    await forward(false);

    const flags = ["--env", ENV, "--bucket", app.bucket, "--function-name", app.functionName, "--json", "--reason", "bench"];
    const tsx = [process.execPath, "--import", "tsx", "scripts/release/cli.ts", "rollback", ...flags];
    const npm = ["npm", "run", "--silent", "rollback", "--", ...flags];

    process.stderr.write(`benchmarking rollback: ${RUNS} runs after a warm-up, against ${server.endpoint}…\n`);
    await rollbackOnce(tsx); // warm-up: tsx's transform cache
    const samples: Sample[] = [];
    for (let i = 0; i < RUNS; i++) {
      await forward(true);
      samples.push(await rollbackOnce(tsx));
    }
    const npmSamples: Sample[] = [];
    for (let i = 0; i < NPM_RUNS; i++) {
      await forward(true);
      npmSamples.push(await rollbackOnce(npm));
    }

    const figures = {
      processMs: stats(samples.map((s) => s.processMs)),
      processCpuMs: stats(samples.map((s) => s.processCpuMs)),
      awsCalls: stats(samples.map((s) => s.awsCalls)),
      awsCallMs: stats(samples.map((s) => s.awsCallMs)),
      awsCallWallMs: stats(samples.map((s) => s.awsCallWallMs)),
    };
    process.stdout.write(
      `${JSON.stringify({
        bench: "rollback",
        runs: RUNS,
        server: "moto_server (local)",
        command: "node --import tsx scripts/release/cli.ts rollback --env dev --bucket … --function-name … --json",
        ...figures,
        npmRunProcessMs: stats(npmSamples.map((s) => s.processMs)),
        targets: TARGETS,
        met: {
          processMs: figures.processMs.median <= TARGETS.processMs,
          awsCallMs: figures.awsCallMs.median <= TARGETS.awsCallMs,
          awsCalls: figures.awsCalls.max <= TARGETS.awsCalls,
        },
        cpus: availableParallelism(),
        loadAverage1m: Math.round(loadavg()[0] * 100) / 100,
      })}\n`,
    );
  } finally {
    await server.stop();
  }
}

function rollbackOnce(command: readonly string[]): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    // GNU time appends "<user s> <system s>" to stderr once the command exits.
    const child = spawn(GNU_TIME, ["-f", "%U %S", ...command], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: process.env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const processMs = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) return reject(new Error(`rollback exited ${code}:\n${stderr}`));
      const result = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as {
        outcome?: string;
        aws?: { calls: number; callMs: number; callWallMs: number };
      };
      if (result.outcome !== "rolled-back" || !result.aws) return reject(new Error(`unexpected rollback result: ${stdout}`));
      const [user, system] = (stderr.trim().split("\n").pop() ?? "").split(" ").map(Number);
      resolve({
        processMs,
        processCpuMs: (user + system) * 1000,
        awsCalls: result.aws.calls,
        awsCallMs: result.aws.callMs,
        awsCallWallMs: result.aws.callWallMs,
      });
    });
  });
}

function stats(values: readonly number[]): { median: number; min: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const round = (n: number) => Math.round(n * 10) / 10;
  return { median: round(median), min: round(sorted[0]), max: round(sorted[sorted.length - 1]) };
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
