/**
 * The commit being deployed, and the release id that defaults to it. One rule for every CLI
 * (sync-assets `--release`, release `--release-id` and `--git-sha`), so sync-assets' manifest
 * and the release name the same release without either being told:
 *
 *   1. the explicit flag,
 *   2. the CI system's commit variable (`GITHUB_SHA`, then `CI_COMMIT_SHA`, `BUILDKITE_COMMIT`, …),
 *   3. `git rev-parse HEAD` in the working directory.
 *
 * Pure over the variables and directory passed in (process.env and process.cwd() by default,
 * read when called).
 */
import { execFileSync } from "node:child_process";

type Vars = Readonly<Record<string, string | undefined>>;

/** CI variables holding the commit a run builds, GitHub Actions first. */
export const CI_COMMIT_VARIABLES = [
  "GITHUB_SHA",
  "CI_COMMIT_SHA",
  "BUILDKITE_COMMIT",
  "CIRCLE_SHA1",
  "BITBUCKET_COMMIT",
  "BUILD_SOURCEVERSION",
  "GIT_COMMIT",
] as const;

export interface CommitOptions {
  /** @default process.env */
  readonly vars?: Vars;
  /** Where to run `git rev-parse HEAD`. @default process.cwd() */
  readonly cwd?: string;
}

export type CommitLookup =
  | { readonly ok: true; readonly value: string; readonly source: "flag" | "ci" | "git" }
  /** No flag, no CI variable, and git could not say (not a checkout, git missing). */
  | { readonly ok: false; readonly problem: string };

/** The commit the CI run builds, from its variables; undefined outside CI. */
export function ciCommit(vars: Vars = process.env): string | undefined {
  for (const name of CI_COMMIT_VARIABLES) {
    const value = vars[name]?.trim();
    if (value) return value;
  }
  return undefined;
}

/** `explicit` when given, else the CI commit, else the checkout's HEAD. */
export function resolveCommit(explicit: string | undefined, options: CommitOptions = {}): CommitLookup {
  // An explicit empty value is kept: the caller's validation names it, rather than a silent default.
  if (explicit !== undefined) return { ok: true, value: explicit, source: "flag" };
  const fromCi = ciCommit(options.vars ?? process.env);
  if (fromCi !== undefined) return { ok: true, value: fromCi, source: "ci" };
  const cwd = options.cwd ?? process.cwd();
  try {
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
    if (head) return { ok: true, value: head, source: "git" };
    return { ok: false, problem: `git rev-parse HEAD printed nothing in ${cwd}` };
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? "").trim().split("\n")[0];
    return { ok: false, problem: `the git commit cannot be read in ${cwd} (${stderr || "git rev-parse HEAD failed"})` };
  }
}

/** A release id defaults to the commit being deployed (same rule as `resolveCommit`). */
export function defaultReleaseId(explicit: string | undefined, options: CommitOptions = {}): CommitLookup {
  return resolveCommit(explicit, options);
}
