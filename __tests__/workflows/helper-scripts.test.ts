/** The small scripts under .github/scripts that the workflows call. */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ENVIRONMENT_NAMES, findEnvironment, loadEnvironments } from "../../environments";
import { environmentOutputs, formatOutputs } from "../../.github/scripts/env-outputs";
import { findFailedStep, type WorkflowJob } from "../../.github/scripts/failed-step";
import { ROOT } from "./support";

describe("env-outputs.ts", () => {
  const environments = loadEnvironments();

  it.each(ENVIRONMENT_NAMES)("gives %s's account, region and https URL from its config", (name) => {
    const env = findEnvironment(name, environments);
    expect(environmentOutputs(env)).toEqual({ name, account: env.account.id, region: env.account.region, url: `https://${env.dns.domainNames[0]}` });
  });

  it("writes GITHUB_OUTPUT lines", () => {
    expect(formatOutputs({ a: "1", b: "x y" })).toBe("a=1\nb=x y\n");
  });
});

describe("failed-step.ts", () => {
  const runUrl = "https://github.com/o/r/actions/runs/7";
  const job = (overrides: Partial<WorkflowJob>): WorkflowJob => ({
    name: "deploy (dev)",
    html_url: "https://github.com/o/r/actions/runs/7/job/99",
    status: "in_progress",
    conclusion: null,
    runner_name: "runner-1",
    steps: [
      { name: "Set up job", number: 1, status: "completed", conclusion: "success" },
      { name: "Deploy infrastructure (cdktf deploy)", number: 7, status: "completed", conclusion: "failure" },
      { name: "Find the failed step", number: 9, status: "in_progress", conclusion: null },
    ],
    ...overrides,
  });

  it("links the failed step of the job it runs in, found by runner name", () => {
    const jobs = [job({ name: "other", runner_name: "runner-2" }), job({})];
    expect(findFailedStep(jobs, { mode: "current", runnerName: "runner-1", runUrl })).toEqual({
      step: "deploy (dev) › Deploy infrastructure (cdktf deploy)",
      url: "https://github.com/o/r/actions/runs/7/job/99#step:7:1",
    });
  });

  it("finds the first failed job of the run with --job any", () => {
    const jobs = [
      job({ name: "lint", status: "completed", conclusion: "failure", started_at: "2026-01-01T00:02:00Z", runner_name: "a" }),
      job({ name: "test", status: "completed", conclusion: "failure", started_at: "2026-01-01T00:01:00Z", runner_name: "b" }),
    ];
    expect(findFailedStep(jobs, { mode: "any", runUrl }).step).toBe("test › Deploy infrastructure (cdktf deploy)");
  });

  it("links the job when no step is marked failed yet", () => {
    expect(findFailedStep([job({ steps: [] })], { mode: "current", runnerName: "runner-1", runUrl })).toEqual({
      step: "deploy (dev)",
      url: "https://github.com/o/r/actions/runs/7/job/99",
    });
  });

  it("falls back to the run when it cannot find its job", () => {
    expect(findFailedStep([job({})], { mode: "current", runnerName: "someone-else", runUrl })).toEqual({ step: "unknown step", url: runUrl });
  });
});

describe("terraform-plan.sh", () => {
  let dir: string;
  let calls: string;

  /** A stub terraform on PATH: logs each call; `plan` exits with the code named for the stack. */
  function setUp(stacks: readonly string[], planCodes: Record<string, number>): void {
    dir = mkdtempSync(path.join(tmpdir(), "tf-plan-"));
    calls = path.join(dir, "calls.log");
    for (const stack of stacks) mkdirSync(path.join(dir, "cdktf.out", "stacks", stack), { recursive: true });
    mkdirSync(path.join(dir, "bin"));
    const cases = Object.entries(planCodes)
      .map(([stack, code]) => `*/${stack}) exit ${code} ;;`)
      .join("\n      ");
    writeFileSync(
      path.join(dir, "bin", "terraform"),
      `#!/usr/bin/env bash
echo "$*" >> "${calls}"
chdir="\${1#-chdir=}"
case "$2" in
  init) exit 0 ;;
  show) echo '{"format_version":"1.2"}' ; exit 0 ;;
  plan)
    case "$chdir" in
      ${cases}
    esac
    exit 0 ;;
esac
`,
    );
    chmodSync(path.join(dir, "bin", "terraform"), 0o755);
  }

  function plan(...args: string[]) {
    return spawnSync(path.join(ROOT, ".github", "scripts", "terraform-plan.sh"), args, {
      cwd: dir,
      env: { ...process.env, PATH: `${path.join(dir, "bin")}:${process.env.PATH}` },
      encoding: "utf8",
    });
  }

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("plans only the named environment's stacks", () => {
    setUp(["dev-app", "dev-certificates", "prod-app"], {});
    plan("dev");
    const planned = readFileSync(calls, "utf8").split("\n").filter((l) => / plan /.test(l)).map((l) => path.basename(l.split(" ")[0]!));
    expect(planned.sort()).toEqual(["dev-app", "dev-certificates"]);
  });

  it("plans read-only, without taking the state lock", () => {
    setUp(["dev-app"], {});
    plan("dev");
    expect(readFileSync(calls, "utf8")).toMatch(/ plan -input=false -lock=false .*-out=plan\.tfplan/);
  });

  it("writes plan.json next to each stack for plan-review", () => {
    setUp(["dev-app"], { "dev-app": 2 });
    plan("dev");
    expect(existsSync(path.join(dir, "cdktf.out", "stacks", "dev-app", "plan.json"))).toBe(true);
  });

  it("exits 2 when a stack has changes and --detailed-exitcode is given", () => {
    setUp(["dev-app", "dev-certificates"], { "dev-app": 2 });
    expect(plan("dev", "--detailed-exitcode").status).toBe(2);
  });

  it("exits 0 for changes without --detailed-exitcode (a pull-request plan)", () => {
    setUp(["dev-app"], { "dev-app": 2 });
    expect(plan("dev").status).toBe(0);
  });

  it("exits 1 when a plan fails, after planning the other stacks too", () => {
    setUp(["dev-app", "dev-certificates"], { "dev-app": 1 });
    const result = plan("dev", "--detailed-exitcode");
    expect([result.status, readFileSync(calls, "utf8").match(/ plan /g)?.length]).toEqual([1, 2]);
  });

  it("exits 1 when the environment has no synthesized stacks", () => {
    setUp(["dev-app"], {});
    expect(plan("qa").status).toBe(1);
  });
});
