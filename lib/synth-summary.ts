/**
 * The lines `npm run synth` ends with, on stderr (stdout stays free for tools): how many
 * stacks it wrote, where, how long it took, and what to run next. Read from the manifest
 * cdktf wrote, so it reports what is on disk rather than what was meant to be.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { environmentNames } from "../environments";
import { STACK_KINDS } from "./naming";

export interface SynthSummary {
  /** Stack ids from the manifest, e.g. `prod-app`. */
  readonly stackIds: readonly string[];
  readonly outdir: string;
  readonly seconds: number;
}

/** Two lines: what was written, and the next command. */
export function synthSummaryLines(summary: SynthSummary, cwd: string, pipelineOrder: readonly string[] = environmentNames()): [string, string] {
  const inside = path.relative(cwd, summary.outdir);
  const where = inside === "" ? "." : inside.startsWith("..") || path.isAbsolute(inside) ? summary.outdir : inside;
  const kinds = new RegExp(`-(${STACK_KINDS.join("|")})$`);
  // In pipeline order (environments/index.ts: deploy waves), as every other tool lists them.
  const order = (env: string) => pipelineOrder.indexOf(env) + 1 || Infinity;
  const environments = [...new Set(summary.stackIds.map((id) => id.replace(kinds, "")))].sort((a, b) => order(a) - order(b) || a.localeCompare(b));
  const stacks = `${summary.stackIds.length} stack${summary.stackIds.length === 1 ? "" : "s"}`;
  return [
    `synth: ${stacks} (${environments.join(", ")}) written to ${where}/ in ${summary.seconds.toFixed(1)} s`,
    `next: npm run policy to check them, then npm run plan-review -- --dir ${where} --run to see what a deploy would change (needs AWS credentials)`,
  ];
}

/** Prints the summary of the synthesis in `outdir`; the time is the process's so far. */
export function printSynthSummary(outdir: string): void {
  const manifest = JSON.parse(readFileSync(path.join(outdir, "manifest.json"), "utf8")) as { stacks: Record<string, unknown> };
  const lines = synthSummaryLines({ stackIds: Object.keys(manifest.stacks), outdir, seconds: performance.now() / 1000 }, process.cwd());
  process.stderr.write(`${lines.join("\n")}\n`);
}
