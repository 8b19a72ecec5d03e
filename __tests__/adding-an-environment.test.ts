/**
 * The environments page's "Adding an environment" (docs/environments.md), done as it says in a copy of the project: create
 * environments/qa.ts from staging.ts with its own name and DNS, and nothing else. Then synth
 * writes qa's three stacks, every tool that takes `--env` resolves `--env qa` to qa's own
 * resources, and the workflows' `npm run environments` step hands qa to the plan, drift and
 * deploy matrices and to the rollback check.
 */
import { execFile, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { STACK_KINDS } from "../lib/naming";
import type { PipelineEnvironment, PipelineView } from "../scripts/environments/describe";
import { fromJsonOutput, runJobOutputs, workflow } from "./workflows/support";
import { tempDir } from "./support/temp-dir";

const ROOT = path.resolve(__dirname, "..");
const run = promisify(execFile);

/** The page's step, word for word: its text is what this test follows. */
const page = readFileSync(path.join(ROOT, "docs", "environments.md"), "utf8");
const adding = page.slice(page.indexOf("\n## Adding an environment\n"), page.indexOf("\n## ", page.indexOf("\n## Adding an environment\n") + 1));

let project: string;

beforeAll(() => {
  const build = spawnSync("node", ["examples/ssr-app/build.mjs", "--if-needed"], { cwd: ROOT, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`example build failed: ${build.stderr}`);
  project = tempDir("qa-project-");
  const entries = ["main.ts", "app.config.ts", "cdktf.json", "package.json", "tsconfig.json", "environments", "stacks", "modules", "lib", "scripts", path.join("examples", "ssr-app"), ".github"];
  for (const entry of entries) {
    cpSync(path.join(ROOT, entry), path.join(project, entry), { recursive: true });
  }
  symlinkSync(path.join(ROOT, "node_modules"), path.join(project, "node_modules"), "dir");
  // The page: copy staging.ts, change `name` and `dns`.
  const staging = readFileSync(path.join(project, "environments", "staging.ts"), "utf8");
  writeFileSync(
    path.join(project, "environments", "qa.ts"),
    staging.replace('name: "staging"', 'name: "qa"').replaceAll("staging.example.com", "qa.example.com"),
  );
});

describe("the docs' steps", () => {
  it("are one new file: environments/qa.ts, copied from staging.ts", () => {
    expect(adding).toContain("Create `environments/qa.ts` (copy `staging.ts`, change `name`, `dns` and whatever else\ndiffers). That is all:");
  });

  it("list nothing else to edit", () => {
    expect(adding).not.toMatch(/\badd `?"?qa"?`? to\b|ENVIRONMENT_NAMES|\.github\/workflows\/\S+\.yml`? (and|to)/);
  });
});

describe("with environments/qa.ts added", () => {
  it("npm run synth writes qa's three stacks", () => {
    const outdir = path.join(project, "cdktf.out");
    const synth = spawnSync("node", ["--require", "tsx/cjs", "main.ts"], {
      cwd: project,
      encoding: "utf8",
      env: { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" },
    });
    const manifest = synth.status === 0 ? (JSON.parse(readFileSync(path.join(outdir, "manifest.json"), "utf8")) as { stacks: Record<string, unknown> }) : undefined;
    // stderr holds only synth's summary (lib/synth-summary.ts), qa in its pipeline place: no warning or error.
    expect([synth.stderr.split("\n")[0], Object.keys(manifest?.stacks ?? {}).filter((id) => id.startsWith("qa-")).sort()]).toEqual([
      expect.stringMatching(/^synth: 12 stacks \(dev, qa, staging, prod\) written to /),
      STACK_KINDS.map((kind) => `qa-${kind}`).sort(),
    ]);
    expect(synth.stderr.trim().split("\n")).toHaveLength(2);
  });

  describe("every tool resolves --env qa to qa's resources", () => {
    const tool = (script: string, args: readonly string[]) =>
      run("node", ["--import", "tsx", script, ...args], {
        cwd: project,
        encoding: "utf8",
        env: { ...process.env, AWS_MAX_ATTEMPTS: "1", SLACK_WEBHOOK_URL: "", GITHUB_SHA: "0123456789abcdef" },
      }).then(
        ({ stdout, stderr }) => ({ code: 0, out: stdout + stderr }),
        (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, out: error.stdout + error.stderr }),
      );
    const dir = () => {
      const client = path.join(project, "client");
      mkdirSync(path.join(client, "assets"), { recursive: true });
      writeFileSync(path.join(client, "assets", "app.0123abcd.js"), "1");
      return client;
    };

    // Each finds nothing in the (empty) local AWS emulator, and says so naming qa's resource:
    // proof that `--env qa` got past argument handling to qa's own names. They run at once.
    const cases = [
      ["sync-assets", "scripts/sync-assets/cli.ts", () => ["--env", "qa", "--dir", dir(), "--dry-run"], "acme-web-qa-assets-222222222222"],
      ["releases", "scripts/release/cli.ts", () => ["list", "--env", "qa"], "acme-web-qa-assets-222222222222"],
      ["release", "scripts/release/cli.ts", () => ["release", "--env", "qa", "--release-id", "r1"], "acme-web-qa-"],
      ["rollback", "scripts/release/cli.ts", () => ["rollback", "--env", "qa", "--dry-run"], "acme-web-qa-"],
      ["prune", "scripts/release/cli.ts", () => ["prune", "--env", "qa", "--keep", "1", "--min-age-days", "1", "--dry-run"], "acme-web-qa-"],
      ["notify", "scripts/notify/cli.ts", () => ["--env", "qa", "--status", "success", "--optional"], "notice for qa"],
      ["environments", "scripts/environments/cli.ts", () => ["--env", "qa", "--json"], '"name":"qa"'],
    ] as const;
    let results: { code: number; out: string }[];
    beforeAll(async () => {
      results = await Promise.all(cases.map(([, script, args]) => tool(script, args())));
    });

    it.each(cases.map(([name, , , mentions], i) => [name, i, mentions] as const))("%s", (_name, i, mentions) => {
      const result = results[i]!;
      expect([result.code === 2, result.out.includes(mentions) ? mentions : result.out]).toEqual([false, mentions]);
    });
  });

  describe("the workflows", () => {
    let view: PipelineView;
    let outputs: Record<string, string>;
    beforeAll(() => {
      outputs = runJobOutputs(workflow("deploy.yml"), "environments", project);
      view = JSON.parse(outputs.json!) as PipelineView;
    });
    const names = (value: unknown) => (value as PipelineEnvironment[]).map((env) => env.name);

    it("list qa with npm run environments, in staging's wave", () => {
      expect(view.environments.find((env) => env.name === "qa")?.wave).toBe(view.environments.find((env) => env.name === "staging")?.wave);
    });

    it("plan qa on pull requests", () => {
      expect(names(fromJsonOutput(workflow("ci.yml").jobs.plan!.strategy?.matrix?.env, { environments: outputs }))).toContain("qa");
    });

    it("check qa for drift", () => {
      expect(names(fromJsonOutput(workflow("drift.yml").jobs.drift!.strategy?.matrix?.env, { environments: outputs }))).toContain("qa");
    });

    it("deploy qa in its wave's job", () => {
      const wave = view.environments.find((env) => env.name === "qa")!.wave;
      expect(names(fromJsonOutput(workflow("deploy.yml").jobs[`deploy-wave-${wave}`]!.strategy?.matrix?.env, { environments: outputs }))).toContain("qa");
    });

    it("let qa be rolled back", () => {
      const checked = runJobOutputs(workflow("rollback.yml"), "environment", project, { ENV_NAME: "qa" });
      expect((JSON.parse(checked.json!) as PipelineEnvironment).roleVariable).toBe("AWS_ROLE_ARN_QA");
    });
  });

  it("leave the shipped project untouched", () => {
    expect(existsSync(path.join(ROOT, "environments", "qa.ts"))).toBe(false);
  });
});
