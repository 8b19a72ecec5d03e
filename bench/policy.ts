/**
 * policy benchmark: the gate `npm test` runs over every synthesized stack (cdktf.out and
 * bootstrap/cdktf.out, which must exist: run `npm run synth && npm run bootstrap:synth`).
 * Reports, median of 7 in-process runs after one warm-up (which pays for reading the IAM
 * action data): loading the stacks, and judging them with every rule. Prints one JSON line.
 * Usage: npm run bench:policy
 */
import { loadavg } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { loadEnvironments } from "../environments";
import { runPolicy } from "../scripts/policy/engine";
import { RULES } from "../scripts/policy/rules";
import { loadWorkspace } from "../scripts/policy/workspace";

const ROOT = path.resolve(__dirname, "..");
const DIRS = [path.join(ROOT, "cdktf.out"), path.join(ROOT, "bootstrap", "cdktf.out")];
const RUNS = 7;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)] * 10) / 10;
}

function main(): void {
  const environments = loadEnvironments();
  const load: number[] = [];
  const judge: number[] = [];
  let stacks = 0;
  let resources = 0;
  for (let run = 0; run <= RUNS; run++) {
    const started = performance.now();
    const workspace = loadWorkspace(DIRS);
    const loaded = performance.now();
    runPolicy(workspace, environments);
    const judged = performance.now();
    if (run === 0) continue;
    load.push(loaded - started);
    judge.push(judged - loaded);
    stacks = workspace.stacks.length;
    resources = workspace.stacks.reduce((n, s) => n + s.resources.length + s.dataSources.length, 0);
  }
  console.log(
    JSON.stringify({ bench: "policy", stacks, resources, rules: RULES.length, runs: RUNS, loadMsMedian: median(load), judgeMsMedian: median(judge), loadAverage1m: loadavg()[0] }),
  );
}

main();
