/**
 * `npm run test:mutation [-- <group>...]`: runs Stryker once per mutation group
 * (mutation/groups.cjs; every group when none is named), then prints each module's mutation
 * score and, last, one JSON line of figures (seconds per group, the machine's load average).
 * Exit 1 when a module scores under 85 % or a run fails; 2 for an unknown group name.
 *
 * Extra Stryker flags go after `--`: `npm run test:mutation -- release -- --incremental`.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const GROUPS = require("./groups.cjs");
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** Issue #20: every decision module at least this score. */
const MINIMUM_SCORE = 85;

/** Killed and timed-out mutants are detected; survivors and uncovered ones are not. Static-ignored and compile errors do not count. */
export function moduleScores(report) {
  return Object.entries(report.files).map(([file, { mutants }]) => {
    const count = (...statuses) => mutants.filter((m) => statuses.includes(m.status)).length;
    const detected = count("Killed", "Timeout");
    const undetected = count("Survived", "NoCoverage");
    const valid = detected + undetected;
    return { file, score: valid === 0 ? 100 : Math.round((detected / valid) * 10000) / 100, killed: detected, survived: count("Survived"), noCoverage: count("NoCoverage"), ignored: count("Ignored") };
  });
}

/**
 * CPU seconds (user + system) of every process this one has waited for so far: Linux's
 * /proc/self/stat fields 16 and 17 (cutime, cstime, in clock ticks; proc(5)). A process adds
 * its own children's time when it reaps them, so this covers Stryker and its test workers.
 * Why: a run's wall time depends on what else uses the cores, its CPU time hardly does, and
 * on an idle machine a run cannot take longer than the CPU time it needs (its workers run in
 * parallel, and it waits on little else). Undefined where there is no /proc.
 */
export function childrenCpuSeconds(stat = readProcStat(), ticksPerSecond = CLOCK_TICKS) {
  if (stat === undefined) return undefined;
  // Field 2 (the command) is in parentheses and may hold spaces: count from after it.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[16 - 3]) + Number(fields[17 - 3]);
  return Number.isFinite(ticks) ? ticks / ticksPerSecond : undefined;
}

function readProcStat() {
  try {
    return readFileSync("/proc/self/stat", "utf8");
  } catch {
    return undefined;
  }
}

/** sysconf(_SC_CLK_TCK): 100 on Linux for x86-64 and arm64. */
const CLOCK_TICKS = 100;

function parseArgs(argv) {
  const split = argv.indexOf("--");
  const names = split === -1 ? argv : argv.slice(0, split);
  const strykerArgs = split === -1 ? [] : argv.slice(split + 1);
  const unknown = names.filter((n) => !GROUPS.some((g) => g.name === n));
  if (unknown.length > 0) {
    process.stderr.write(`test:mutation: unknown group ${unknown.join(", ")}; groups: ${GROUPS.map((g) => g.name).join(", ")} (mutation/groups.cjs)\n`);
    process.exit(2);
  }
  return { groups: names.length === 0 ? GROUPS : GROUPS.filter((g) => names.includes(g.name)), strykerArgs };
}

function main() {
  const { groups, strykerArgs } = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const results = [];
  for (const group of groups) {
    process.stderr.write(`\n== mutation group ${group.name}: ${group.why}\n`);
    const t0 = performance.now();
    const cpu0 = childrenCpuSeconds();
    const run = spawnSync(path.join(ROOT, "node_modules", ".bin", "stryker"), ["run", "mutation/stryker.config.mjs", ...strykerArgs], {
      cwd: ROOT,
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, MUTATION_GROUP: group.name },
    });
    const seconds = Math.round((performance.now() - t0) / 100) / 10;
    const cpu1 = childrenCpuSeconds();
    const cpuSeconds = cpu0 === undefined || cpu1 === undefined ? undefined : Math.round((cpu1 - cpu0) * 10) / 10;
    let modules = [];
    try {
      modules = moduleScores(JSON.parse(readFileSync(path.join(ROOT, "reports", "mutation", `${group.name}.json`), "utf8")));
    } catch (error) {
      process.stderr.write(`test:mutation: group ${group.name} wrote no report (${error.message})\n`);
    }
    process.stderr.write(`== group ${group.name}: ${seconds} s, ${cpuSeconds ?? "?"} CPU seconds\n`);
    results.push({ group: group.name, exitCode: run.status, seconds, cpuSeconds, modules });
  }
  const totalSeconds = Math.round((performance.now() - started) / 100) / 10;

  process.stderr.write("\nmutation score per module (minimum " + MINIMUM_SCORE + " %):\n");
  const failures = [];
  for (const { group, exitCode, modules } of results) {
    if (exitCode !== 0 && modules.length === 0) failures.push(`${group}: Stryker exited ${exitCode}`);
    for (const m of modules) {
      const low = m.score < MINIMUM_SCORE;
      if (low) failures.push(`${m.file} ${m.score} %`);
      process.stderr.write(`  ${low ? "✗" : "✓"} ${m.score.toFixed(2).padStart(6)} %  ${m.file}  (${m.killed} killed, ${m.survived} survived, ${m.noCoverage} not covered${m.ignored ? `, ${m.ignored} ignored` : ""})\n`);
    }
  }
  process.stdout.write(
    JSON.stringify({
      benchmark: "mutation",
      totalSeconds,
      cpus: cpus().length,
      loadAverage1m: Math.round(loadavg()[0] * 100) / 100,
      groups: results.map(({ group, seconds, cpuSeconds, modules }) => ({ group, seconds, cpuSeconds, scores: Object.fromEntries(modules.map((m) => [m.file, m.score])) })),
    }) + "\n",
  );
  if (failures.length > 0) {
    process.stderr.write(`\nunder ${MINIMUM_SCORE} % or failed: ${failures.join("; ")}\nOpen reports/mutation/<group>.html for the surviving mutants.\n`);
    process.exit(1);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
