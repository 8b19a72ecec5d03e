/**
 * The mutation workflow (issue #20, docs/mutation-testing.md): weekly and on pull requests that
 * touch a mutated module or its tests, one job per mutation group, never in .ci/run.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { ROOT, workflow } from "./support";

interface MutationGroup {
  readonly name: string;
  readonly mutate: readonly string[];
  readonly tests: readonly string[];
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const GROUPS = require("../../mutation/groups.cjs") as MutationGroup[];
const wf = workflow("mutation.yml");
const on = wf.on as { schedule?: { cron: string }[]; pull_request?: { paths?: string[] } };
const job = wf.jobs.mutation!;

/** A paths-filter pattern as a regular expression (`*` within a folder, `**` across folders). */
function patternRegex(pattern: string): RegExp {
  const source = pattern
    .split("**")
    .map((part) => part.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^/]*"))
    .join(".*");
  return new RegExp(`^${source}$`);
}

/** The files a group names (a `*` only in the file name, as groups.cjs writes them). */
function filesOf(pattern: string): string[] {
  if (!pattern.includes("*")) return [pattern];
  const dir = path.dirname(pattern);
  const name = patternRegex(path.basename(pattern));
  return readdirSync(path.join(ROOT, dir))
    .filter((f) => name.test(f))
    .map((f) => `${dir}/${f}`);
}

/** The test file, or a test helper it imports, talks to the emulator. */
function needsMoto(file: string): boolean {
  const text = readFileSync(file, "utf8");
  if (/MOTO_ENDPOINT|motoEndpoint|fault-proxy|@aws-sdk\/client-/.test(text)) return true;
  const helpers = [...text.matchAll(/from "(\.{1,2}\/[^"]+)"/g)].map((m) => path.resolve(path.dirname(file), `${m[1]}.ts`));
  return helpers.filter((h) => h.includes(`${path.sep}__tests__${path.sep}`) && existsSync(h)).some(needsMoto);
}

const triggering = (file: string) => (on.pull_request?.paths ?? []).some((p) => patternRegex(p).test(file));

describe("the mutation workflow", () => {
  it("runs on a schedule", () => {
    expect(on.schedule?.length).toBeGreaterThan(0);
  });

  it("runs on pull requests only when their paths touch the mutation scope", () => {
    expect(on.pull_request?.paths?.length).toBeGreaterThan(0);
  });

  it("has one job per mutation group", () => {
    expect(job.strategy?.matrix?.group).toEqual(GROUPS.map((g) => g.name));
  });

  it("runs every mutation group through npm run test:mutation", () => {
    expect(job.steps.some((s) => s.run === 'npm run test:mutation -- "$GROUP"' && s.env?.GROUP === "${{ matrix.group }}")).toBe(true);
  });

  it("is triggered by a change to any module a group mutates", () => {
    const missed = GROUPS.flatMap((g) => g.mutate.flatMap(filesOf)).filter((file) => !triggering(file));
    expect(missed).toEqual([]);
  });

  it("is triggered by a change to any test a group runs", () => {
    const missed = GROUPS.flatMap((g) => g.tests.map((t) => `__tests__/${t}`)).filter((file) => !triggering(file));
    expect(missed).toEqual([]);
  });

  it("is triggered by a change to the mutation setup itself", () => {
    expect(["mutation/groups.cjs", "mutation/stryker.config.mjs", ".github/workflows/mutation.yml"].filter((f) => !triggering(f))).toEqual([]);
  });

  it("is not part of .ci/run, which must stay under 10 minutes", () => {
    expect(readFileSync(path.join(ROOT, ".ci", "run"), "utf8")).not.toMatch(/mutation|stryker/i);
  });
});

describe("mutation groups", () => {
  it("name only modules and tests that exist", () => {
    const files = GROUPS.flatMap((g) => [...g.mutate.flatMap(filesOf), ...g.tests.map((t) => `__tests__/${t}`)]);
    expect(files.filter((f) => !existsSync(path.join(ROOT, f)))).toEqual([]);
  });

  it("never run a test that needs moto_server (the mutation run has no global setup)", () => {
    const usesMoto = GROUPS.flatMap((g) => g.tests).filter((t) => needsMoto(path.join(ROOT, "__tests__", t)));
    expect(usesMoto).toEqual([]);
  });
});
