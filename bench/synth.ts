/**
 * Synth benchmark: median of 5 runs each of
 *   (a) `npm run synth` (the app run directly, as CI and developers do), and
 *   (b) `npx cdktf synth` (the CLI, which adds its own start-up),
 * wall time and peak RSS of the largest process in the tree (GNU time's %M).
 * Prints one JSON line on stdout. Usage: npm run bench:synth
 */
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const RUNS = 5;
const GNU_TIME = "/usr/bin/time";

interface Sample {
  readonly seconds: number;
  readonly peakRssMiB: number;
}

function measure(command: string[]): Sample {
  rmSync(path.join(ROOT, "cdktf.out"), { recursive: true, force: true });
  const started = process.hrtime.bigint();
  const result = spawnSync(GNU_TIME, ["-f", "%M", ...command], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, CHECKPOINT_DISABLE: "1" },
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${command.join(" ")} failed:\n${result.stderr}`);
  const kib = Number(result.stderr.trim().split("\n").pop());
  return { seconds, peakRssMiB: kib / 1024 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function bench(command: string[]): { medianSeconds: number; medianPeakRssMiB: number; runs: number[] } {
  measure(command); // warm-up: tsx's transform cache and the example build
  const samples = Array.from({ length: RUNS }, () => measure(command));
  return {
    medianSeconds: Number(median(samples.map((s) => s.seconds)).toFixed(3)),
    medianPeakRssMiB: Number(median(samples.map((s) => s.peakRssMiB)).toFixed(1)),
    runs: samples.map((s) => Number(s.seconds.toFixed(3))),
  };
}

if (!existsSync(GNU_TIME)) {
  process.stderr.write(`${GNU_TIME} is required for peak RSS (Debian package "time").\n`);
  process.exit(1);
}
process.stderr.write(`benchmarking synth, ${RUNS} runs each after a warm-up…\n`);
const npmSynth = bench(["npm", "run", "--silent", "synth"]);
const cdktfSynth = bench(["npx", "--no-install", "cdktf", "synth"]);
process.stdout.write(
  `${JSON.stringify({ bench: "synth", stacks: 9, npmRunSynth: npmSynth, cdktfSynth, targets: { npmRunSynthSeconds: 1.5, npmRunSynthPeakRssMiB: 300 } })}\n`,
);
