/**
 * Synthesis replayed from disk, in mutation runs only (docs/mutation-testing.md, "How it is
 * set up").
 *
 * Why: the policy tests synthesize real cdktf stacks in every test, and Stryker runs a
 * mutant's covering tests once per mutant: thousands of syntheses of the same stacks. What a
 * test synthesizes depends only on code the policy mutation group does not mutate (stacks/,
 * modules/, lib/, environments/, the test itself), so every mutant would synthesize the same
 * files. Stryker's first, unmutated run (the dry run) keeps each synthesis's output folder in
 * its sandbox; a mutant run copies the kept folder instead of synthesizing, and everything
 * from reading the folder on (loadWorkspace, the rules: the mutated code) runs as it always
 * does. Only synthesized files are kept, never anything a mutated module computed.
 *
 * A synthesis is known by its test file, the test's full name and how many syntheses that
 * test made before it (tests run their code in the same order every time), or by its name when
 * several tests share it, and must have the same build function source; anything else
 * synthesizes as usual. Outside a Stryker test
 * process (`npm test`, a plain jest run) nothing is kept or read.
 */
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../..");
/** In Stryker's sandbox (a new one every run), next to the dry run's record of test files. */
export const SYNTH_MEMO_DIR = path.join(ROOT, "mutation", ".synth-memo");

/** How many syntheses each test (by key) has made so far in this test file's run. */
const calls = new Map<string, number>();

function inMutationRun(): boolean {
  return process.env.STRYKER_MUTATOR_WORKER !== undefined;
}

/** The dry run: the unmutated code, before any mutant is active. */
function isDryRun(): boolean {
  return process.env.__STRYKER_ACTIVE_MUTANT__ === undefined;
}

/**
 * This synthesis's name: the test file and either the shared synthesis's name, or the test
 * (the file's describe-time code when no test runs) and how many syntheses it made before.
 */
function synthesisKey(shared: string | undefined): string | undefined {
  const { testPath, currentTestName } = expect.getState();
  if (testPath === undefined) return undefined;
  const file = path.relative(ROOT, testPath);
  if (shared !== undefined) return `${file}\u0000shared\u0000${shared}`;
  const test = `${file}\u0000${currentTestName ?? "(loading the file)"}`;
  const ordinal = calls.get(test) ?? 0;
  calls.set(test, ordinal + 1);
  return `${test}\u0000${ordinal}`;
}

export interface Synthesis {
  /** The build function's text: a replayed synthesis must come from the same call. */
  readonly buildSource: string;
  /** A synthesis several tests share (whichever runs first makes it): its name in the test file. */
  readonly shared?: string;
}

/**
 * Fills `outdir` with what `synthesize` writes there: by running it, or in a mutant run by
 * copying what the dry run's `synthesize` wrote for the same synthesis (same test and ordinal,
 * or same shared name) with the same build source.
 */
export function synthesizeOnce(outdir: string, { buildSource, shared }: Synthesis, synthesize: () => void): void {
  const key = inMutationRun() ? synthesisKey(shared) : undefined;
  if (key === undefined) {
    synthesize();
    return;
  }
  const entry = path.join(SYNTH_MEMO_DIR, createHash("sha256").update(key).digest("hex"));
  const sourceFile = `${entry}.source`;
  if (existsSync(sourceFile) && readFileSync(sourceFile, "utf8") === buildSource) {
    cpSync(entry, outdir, { recursive: true });
    return;
  }
  synthesize();
  if (!isDryRun()) return;
  // Written whole under a temporary name, then renamed: a reader never sees half an entry.
  const partial = `${entry}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  rmSync(entry, { recursive: true, force: true });
  mkdirSync(SYNTH_MEMO_DIR, { recursive: true });
  cpSync(outdir, partial, { recursive: true });
  renameSync(partial, entry);
  writeFileSync(sourceFile, buildSource);
}
