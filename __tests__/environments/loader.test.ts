/**
 * Finding and loading environment files: every `<name>.ts` in the folder except index.ts and
 * schema.ts is an environment; a file that does not load is one line, not a stack trace.
 * Validating what was loaded is validation.test.ts's: these tests copy and require files, so
 * the fewer of them validate, the fewer run for each mutant of the schema in a mutation run.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { environmentFiles, loadEnvironments, readEnvironmentSources } from "../../environments";
import { ConfigError } from "../../lib/errors";
import { tempDir } from "../support/temp-dir";

const SHIPPED = path.resolve(__dirname, "..", "..", "environments");

/** A fresh `environments/` folder holding copies of the shipped environment files. */
function folder(files: readonly string[] = ["dev.ts", "staging.ts", "prod.ts"]): string {
  const dir = path.join(tempDir("envs-"), "environments");
  mkdirSync(dir);
  for (const file of files) copyFileSync(path.join(SHIPPED, file), path.join(dir, file));
  return dir;
}

function problemsOf(dir: string): string[] {
  try {
    loadEnvironments(dir);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error("expected a ConfigError, but the configuration was accepted");
}

describe("finding environment files", () => {
  it("takes every .ts file of the folder but index.ts, schema.ts, declarations, tests and subfolders", () => {
    const dir = folder(["dev.ts"]);
    for (const file of ["index.ts", "schema.ts", "types.d.ts", "dev.test.ts", "README.md"]) writeFileSync(path.join(dir, file), "");
    mkdirSync(path.join(dir, "rules"));
    writeFileSync(path.join(dir, "rules", "helpers.ts"), "");
    expect(environmentFiles(dir).map((f) => f.file)).toEqual(["environments/dev.ts"]);
  });

  it("finds the shipped environments in the project's own folder", () => {
    expect(environmentFiles().map((f) => f.file)).toEqual(["environments/dev.ts", "environments/prod.ts", "environments/staging.ts"]);
  });

  it("loads an environment added as one more file", () => {
    const dir = folder();
    const qa = readFileSync(path.join(SHIPPED, "staging.ts"), "utf8")
      .replace('name: "staging"', 'name: "qa"')
      .replaceAll("staging.example.com", "qa.example.com");
    writeFileSync(path.join(dir, "qa.ts"), qa);
    // Read, not validated: validation.test.ts validates (see readEnvironmentSources' tests there).
    const names = readEnvironmentSources(dir).map((source) => ("data" in source ? (source.data as { name: string }).name : source.loadProblem));
    expect(names).toEqual(["dev", "prod", "qa", "staging"]);
  });

  it("does not take a folder whose name ends in .ts", () => {
    const dir = folder(["dev.ts"]);
    mkdirSync(path.join(dir, "old.ts"));
    expect(environmentFiles(dir).map((f) => f.file)).toEqual(["environments/dev.ts"]);
  });

  it("says so when there is no environment at all", () => {
    expect(problemsOf(folder([]))).toEqual(["environments/: no environment files; add one, e.g. environments/dev.ts (see docs/environments.md)"]);
  });
});

describe("a file that does not load", () => {
  it("is reported as <file>:<line>:<column>: <what> for a syntax error", () => {
    const dir = folder(["dev.ts"]);
    const file = path.join(dir, "dev.ts");
    const lines = readFileSync(file, "utf8").split("\n");
    const cdn = lines.findIndex((line) => line.startsWith("  cdn: "));
    lines[cdn] = lines[cdn]!.replace(/},$/, "}"); // drop the comma after `cdn: { … }`
    writeFileSync(file, lines.join("\n"));
    // The next line is `  logRetentionDays: 7,`; esbuild stops at its name (line numbers from 1).
    expect(problemsOf(dir)).toEqual([`environments/dev.ts:${cdn + 2}:3: Expected "}" but found "logRetentionDays"`]);
  });

  it("is reported with what it threw when it fails at load time", () => {
    const dir = folder(["dev.ts"]);
    writeFileSync(path.join(dir, "dev.ts"), 'throw new Error("no network here");\n');
    expect(problemsOf(dir)).toEqual(["environments/dev.ts: could not be loaded: no network here"]);
  });

  it("is reported when it exports no default", () => {
    const dir = folder(["dev.ts"]);
    writeFileSync(path.join(dir, "dev.ts"), "export const dev = {};\n");
    expect(problemsOf(dir)).toEqual([
      "environments/dev.ts: has no default export; end it with `export default { … } satisfies EnvironmentInput;` (copy staging.ts)",
    ]);
  });

  it("does not keep the other files from loading", () => {
    const dir = folder(["dev.ts", "staging.ts"]);
    writeFileSync(path.join(dir, "dev.ts"), "export default {\n");
    const loaded = readEnvironmentSources(dir).map((source) => ("data" in source ? `${source.file} loaded` : source.file));
    expect(loaded).toEqual(["environments/dev.ts", "environments/staging.ts loaded"]);
  });

  it("is a source with its problem, not an exception, when read without validating", () => {
    const dir = folder(["dev.ts"]);
    writeFileSync(path.join(dir, "dev.ts"), 'throw new Error("boom");\n');
    expect(readEnvironmentSources(dir)).toEqual([{ file: "environments/dev.ts", loadProblem: "environments/dev.ts: could not be loaded: boom" }]);
  });
});
