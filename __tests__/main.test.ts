/**
 * The whole app as users run it: `main.ts` in a child process, writing into a temp dir.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
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

  it("writes the three stacks of every environment", () => {
    expect(Object.keys(synthesized.manifest.stacks).sort()).toEqual([
      "dev-app",
      "dev-distribution",
      "dev-dns",
      "prod-app",
      "prod-distribution",
      "prod-dns",
      "staging-app",
      "staging-distribution",
      "staging-dns",
    ]);
  });

  it("gives every stack its own state key", () => {
    const keys = Object.values(synthesized.stacks).map((s) => `${s.terraform.backend.s3.bucket}/${s.terraform.backend.s3.key}`);
    expect(new Set(keys).size).toBe(9);
  });

  it("makes the distribution depend on dns and app, and nothing depend on the distribution", () => {
    const dependencies = Object.fromEntries(
      Object.entries(synthesized.manifest.stacks).map(([id, stack]) => [id, [...stack.dependencies].sort()]),
    );
    expect(dependencies).toEqual({
      "dev-app": [],
      "dev-dns": [],
      "dev-distribution": ["dev-app", "dev-dns"],
      "staging-app": [],
      "staging-dns": [],
      "staging-distribution": ["staging-app", "staging-dns"],
      "prod-app": [],
      "prod-dns": [],
      "prod-distribution": ["prod-app", "prod-dns"],
    });
  });

  it("reads cross-stack values only through remote state of its own environment", () => {
    const remoteKeys = Object.values(synthesized.stacks["staging-distribution"].data.terraform_remote_state).map(
      (r) => (r as { config: { key: string } }).config.key,
    );
    expect(remoteKeys.sort()).toEqual(["acme-web/staging/app.tfstate", "acme-web/staging/dns.tfstate"]);
  });

  it("packages the example app's server code into every app stack", () => {
    const missing = ["dev-app", "staging-app", "prod-app"].filter((id) => {
      const filename = synthesized.stacks[id].resource.aws_lambda_function.Ssr_Function_64DAD378.filename as string;
      return !existsSync(path.join(synthesized.outdir, synthesized.manifest.stacks[id].workingDirectory, filename));
    });
    expect(missing).toEqual([]);
  });
});

/** A copy of the project whose dev environment file is changed by `edit`. */
function projectWithDev(edit: (source: string) => string): string {
  const project = tempDir("broken-project-");
  for (const entry of ["main.ts", "environments", "stacks", "modules", "lib", "examples", "package.json", "tsconfig.json"]) {
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
