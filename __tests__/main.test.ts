/**
 * The whole app as users run it: `main.ts` in a child process, writing into a temp dir.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { loadEnvironments } from "../environments";
import { STACK_KINDS, stackId, stateKey } from "../lib/naming";
import { readSynthesizedApp, type SynthesizedApp } from "./support/synth";
import { tempDir } from "./support/temp-dir";

const ROOT = path.resolve(__dirname, "..");

function runMain(projectDir: string, outdir: string) {
  const build = spawnSync("node", ["examples/ssr-app/build.mjs", "--if-needed"], { cwd: projectDir, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`example build failed: ${build.stderr}`);
  return spawnSync("node", ["--require", "tsx/cjs", "main.ts"], {
    cwd: projectDir,
    encoding: "utf8",
    env: { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" },
  });
}

describe("npm run synth (main.ts)", () => {
  let synthesized: SynthesizedApp;
  let stderr: string;
  let outdir: string;

  beforeAll(() => {
    outdir = tempDir("main-synth-");
    const result = runMain(ROOT, outdir);
    if (result.status !== 0) throw new Error(`synth failed (${result.status}): ${result.stderr}`);
    synthesized = readSynthesizedApp(outdir);
    stderr = result.stderr;
  });

  it("ends by saying what it wrote where, and what to run next", () => {
    expect(stderr.trimEnd().split("\n").slice(-2)).toEqual([
      expect.stringMatching(new RegExp(`^synth: 9 stacks \\(dev, staging, prod\\) written to ${outdir}/ in \\d+\\.\\d s$`)),
      expect.stringMatching(/^next: npm run policy/),
    ]);
  });

  const environments = loadEnvironments();

  it("writes the stacks of every environment", () => {
    expect(Object.keys(synthesized.manifest.stacks).sort()).toEqual(environments.flatMap((env) => STACK_KINDS.map((kind) => stackId(env, kind))).sort());
  });

  it("gives every stack its own state key", () => {
    const keys = Object.values(synthesized.stacks).map((s) => `${s.terraform.backend.s3.bucket}/${s.terraform.backend.s3.key}`);
    expect(new Set(keys).size).toBe(environments.length * STACK_KINDS.length);
  });

  it("makes the distribution depend on dns and app, and nothing depend on the distribution", () => {
    const dependencies = Object.fromEntries(
      Object.entries(synthesized.manifest.stacks).map(([id, stack]) => [id, [...stack.dependencies].sort()]),
    );
    expect(dependencies).toEqual(
      Object.fromEntries(
        environments.flatMap((env) => [
          [stackId(env, "app"), []],
          [stackId(env, "dns"), []],
          [stackId(env, "distribution"), [stackId(env, "app"), stackId(env, "dns")]],
        ]),
      ),
    );
  });

  it.each(environments.map((env) => [env.name, env] as const))("reads %s's cross-stack values only through its own remote state", (_name, env) => {
    const remoteKeys = Object.values(synthesized.stacks[stackId(env, "distribution")].data.terraform_remote_state).map(
      (r) => (r as { config: { key: string } }).config.key,
    );
    expect(remoteKeys.sort()).toEqual([stateKey(env, "app"), stateKey(env, "dns")]);
  });

  it("packages the example app's server code into every app stack", () => {
    const missing = environments.map((env) => stackId(env, "app")).filter((id) => {
      const filename = synthesized.stacks[id].resource.aws_lambda_function.Ssr_Function_64DAD378.filename as string;
      return !existsSync(path.join(synthesized.outdir, synthesized.manifest.stacks[id].workingDirectory, filename));
    });
    expect(missing).toEqual([]);
  });
});

/** A copy of the project whose dev environment file is changed by `edit`. */
function projectWithDev(edit: (source: string) => string): string {
  const project = tempDir("broken-project-");
  // Only the example app this synth builds: the framework examples may be mid-build (.ci/run
  // builds them in the background while the tests run), and a copy would race their writes.
  for (const entry of ["main.ts", "environments", "stacks", "modules", "lib", path.join("examples", "ssr-app"), "package.json", "tsconfig.json"]) {
    cpSync(path.join(ROOT, entry), path.join(project, entry), {
      recursive: true,
      filter: (source) => !source.split(path.sep).includes("dist"),
    });
  }
  symlinkSync(path.join(ROOT, "node_modules"), path.join(project, "node_modules"), "dir");
  const devFile = path.join(project, "environments", "dev.ts");
  writeFileSync(devFile, edit(readFileSync(devFile, "utf8")));
  return project;
}

describe("npm run synth with a syntax error in an environment file", () => {
  let result: ReturnType<typeof runMain>;
  let outdir: string;
  let line: number;

  beforeAll(() => {
    const project = projectWithDev((source) => {
      const lines = source.split("\n");
      const cdn = lines.findIndex((text) => text.startsWith("  cdn: "));
      lines[cdn] = lines[cdn]!.replace(/},$/, "}");
      line = cdn + 2;
      return lines.join("\n");
    });
    outdir = path.join(project, "out");
    result = runMain(project, outdir);
  });

  it("exits 1", () => {
    expect(result.status).toBe(1);
  });

  it("names file, line, column and what esbuild expected, on one line", () => {
    expect(result.stderr.split("\n").filter((text) => text.startsWith("  environments/"))).toEqual([
      `  environments/dev.ts:${line}:3: Expected "}" but found "logRetentionDays"`,
    ]);
  });

  it("prints no stack trace and no compiled code", () => {
    expect(result.stderr.split("\n").filter((text) => text.trim() !== "")).toHaveLength(2);
  });

  it("writes no stack output", () => {
    expect(existsSync(outdir)).toBe(false);
  });
});

describe("npm run synth with two tables that map to one construct id", () => {
  let result: ReturnType<typeof runMain>;

  beforeAll(() => {
    const project = projectWithDev((source) => source.replace('name: "sessions"', 'name: "cache-2"').replace('name: "content"', 'name: "cache2"'));
    result = runMain(project, path.join(project, "out"));
  });

  it("is a config error on one line, not a constructs stack trace", () => {
    expect([result.status, result.stderr.split("\n").filter((text) => text.startsWith("  environments/")), /\n\s+at /.test(result.stderr)]).toEqual([
      1,
      ['  environments/dev.ts: tables[1].name: gets the same construct id (TableCache2) as tables[0].name "cache-2"; rename one (got "cache2")'],
      false,
    ]);
  });
});

describe("npm run synth with a broken environment", () => {
  let result: ReturnType<typeof runMain>;
  let outdir: string;

  beforeAll(() => {
    // Two mistakes in dev.
    const project = projectWithDev((source) => source.replace('id: "111111111111"', 'id: "1111"').replace("memoryMiB: 512", "memoryMiB: 64"));
    outdir = path.join(project, "out");
    result = runMain(project, outdir);
  });

  it("exits 1", () => {
    expect(result.status).toBe(1);
  });

  it("lists every problem with file, path and value", () => {
    expect(result.stderr.split("\n").filter((line) => line.startsWith("  environments/"))).toEqual([
      '  environments/dev.ts: account.id: must be a 12-digit AWS account id (got "1111")',
      "  environments/dev.ts: ssr.memoryMiB: Too small: expected number to be >=128 (got 64)",
    ]);
  });

  it("prints no stack trace", () => {
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("writes no stack output", () => {
    expect(existsSync(outdir)).toBe(false);
  });
});

describe("npm run synth with a Lambda runtime AWS no longer accepts", () => {
  let result: ReturnType<typeof runMain>;
  let outdir: string;

  beforeAll(() => {
    // nodejs20.x: Lambda blocks function updates on it from 2026-09-30, before this test was written.
    const project = projectWithDev((source) => source.replace('runtime: "nodejs22.x"', 'runtime: "nodejs20.x"'));
    outdir = path.join(project, "out");
    result = runMain(project, outdir);
  });

  it("exits 1", () => {
    expect(result.status).toBe(1);
  });

  it("names the file, the field, the block-update date and the replacement", () => {
    expect(result.stderr).toMatch(
      / {2}environments\/dev\.ts: ssr\.runtime: nodejs20\.x can no longer be deployed: Lambda refuses function updates on it since 2026-09-30 .*; use nodejs2[24]\.x /,
    );
  });

  it("writes no stack output", () => {
    expect(existsSync(outdir)).toBe(false);
  });
});
