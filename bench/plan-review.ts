/**
 * plan-review benchmark: a generated `terraform show -json` plan with 20,000 resource
 * changes (mixed actions, before/after values the size of real AWS resources: ~55 MB),
 * summarised to markdown by the CLI in a child process, the way `npm run plan-review` runs
 * it (`node --import tsx scripts/plan-review/cli.ts`, without npm's own start-up).
 * Median of 5 runs after one warm-up run:
 *   - wall time, spawn to exit;
 *   - peak RSS: the CLI records process.resourceUsage().maxRSS at exit through a --require
 *     preload (the largest of its node processes counts, should there ever be more than one).
 * Also, for context (same 5 rounds): bare `node -e 0` and the CLI's start-up alone
 * (`--help`: node, tsx's hooks, zod, the modules), to calibrate the machine; and the
 * in-process phases of one run. Prints one JSON line on stdout.
 * Usage: npm run bench:plan-review
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import path from "node:path";
import { readPlanFile } from "../scripts/plan-review/parse";
import { renderMarkdown } from "../scripts/plan-review/render-markdown";
import { DEFAULT_PROTECTED_TYPES, summarize } from "../scripts/plan-review/summarize";
import { generatePlan } from "./plan-review/generate";

const ROOT = path.resolve(__dirname, "..");
const WORK = path.join(ROOT, "bench", ".work", "plan-review");
const RESOURCE_CHANGES = 20_000;
const RUNS = 5;
const TARGETS = { wallMs: 1000, peakRssMB: 200 } as const;

interface Sample {
  readonly wallMs: number;
  readonly peakRssMB: number;
}

async function main(): Promise<void> {
  mkdirSync(WORK, { recursive: true });
  const planFile = path.join(WORK, "plan.json");
  const preload = path.join(WORK, "max-rss.cjs");
  writeFileSync(planFile, JSON.stringify(generatePlan({ resourceChanges: RESOURCE_CHANGES, seed: 1 })));
  writeFileSync(
    preload,
    `process.on("exit", () => require("fs").appendFileSync(process.env.PLAN_REVIEW_BENCH_RSS, process.resourceUsage().maxRSS + "\\n"));\n`,
  );

  const cli = [process.execPath, "--import", "tsx", "scripts/plan-review/cli.ts"];
  const review = [...cli, "--plan", `prod-app=${path.relative(ROOT, planFile)}`, "--format", "markdown"];
  const help = [...cli, "--help"];
  const bareNode = [process.execPath, "-e", "0"];

  process.stderr.write(`benchmarking plan-review: ${RESOURCE_CHANGES} resource changes, ${RUNS} runs after a warm-up…\n`);
  await measure(review, preload); // warm-up: tsx's transform cache, the page cache
  const samples: Sample[] = [];
  const startup: Sample[] = [];
  const nodeSamples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) {
    nodeSamples.push(await measure(bareNode, preload));
    samples.push(await measure(review, preload));
    startup.push(await measure(help, preload));
  }

  const wallMs = stats(samples.map((s) => s.wallMs));
  const peakRssMB = stats(samples.map((s) => s.peakRssMB));
  process.stdout.write(
    `${JSON.stringify({
      bench: "plan-review",
      resourceChanges: RESOURCE_CHANGES,
      planMB: round(statSync(planFile).size / 2 ** 20),
      runs: RUNS,
      command: "node --import tsx scripts/plan-review/cli.ts --plan prod-app=bench/.work/plan-review/plan.json --format markdown",
      wallMs,
      peakRssMB,
      startupMs: stats(startup.map((s) => s.wallMs)),
      inProcessMs: inProcessPhases(planFile),
      machine: { cpus: cpus().length, loadAverage1m: round(loadavg()[0]), bareNodeStartupMs: stats(nodeSamples.map((s) => s.wallMs)).median },
      targets: TARGETS,
      met: wallMs.median <= TARGETS.wallMs && peakRssMB.median <= TARGETS.peakRssMB,
    })}\n`,
  );
}

/** One child run: wall time and the largest maxRSS any node process in it reported. */
function measure(command: readonly string[], preload: string): Promise<Sample> {
  const rssFile = path.join(WORK, `rss-${process.pid}.txt`);
  rmSync(rssFile, { force: true });
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command[0], command.slice(1), {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "pipe"],
      env: {
        ...process.env,
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${preload}`.trim(),
        PLAN_REVIEW_BENCH_RSS: rssFile,
      },
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      // 2 is the expected verdict: the generated plan destroys protected types in prod.
      if (code !== 0 && code !== 2) return reject(new Error(`plan-review exited ${code}:\n${stderr}`));
      const rssKiB = readFileSync(rssFile, "utf8").split("\n").filter(Boolean).map(Number);
      resolve({ wallMs, peakRssMB: Math.max(...rssKiB) / 1024 });
    });
  });
}

/** Where the time goes inside one run (this process, so start-up is excluded). */
function inProcessPhases(planFile: string): Record<string, number> {
  const t0 = performance.now();
  const parsed = readPlanFile(planFile);
  const t1 = performance.now();
  const review = summarize([{ stackId: "prod-app", parsed }], {
    protectEnvs: ["prod"],
    protectTypes: [...DEFAULT_PROTECTED_TYPES],
    allowDestroy: false,
    envOrder: ["dev", "staging", "prod"],
  });
  const t2 = performance.now();
  renderMarkdown(review, { maxChars: 60_000 });
  const t3 = performance.now();
  return { readAndParse: round(t1 - t0), summarize: round(t2 - t1), renderMarkdown: round(t3 - t2) };
}

function stats(values: readonly number[]): { median: number; min: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median: round(median), min: round(sorted[0]), max: round(sorted[sorted.length - 1]) };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
