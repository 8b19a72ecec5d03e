/** The small scripts under .github/scripts that the workflows call. */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { findFailedStep, type WorkflowJob } from "../../.github/scripts/failed-step";
import {
  checkPin,
  checkServing,
  deployNotice,
  main as releaseSummary,
  parseResult,
  summariseRelease,
  summariseReleases,
  summariseRollback,
  type DeployNoticeInput,
} from "../../.github/scripts/release-summary";
import { ROOT } from "./support";
import { tempDir } from "../support/temp-dir";

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

  it("names a step that timed out or was cancelled when none failed", () => {
    const steps = [
      { name: "Set up job", number: 1, status: "completed", conclusion: "success" },
      { name: "Release (canary, then move alias live)", number: 8, status: "completed", conclusion: "cancelled" },
    ];
    expect(findFailedStep([job({ steps })], { mode: "current", runnerName: "runner-1", runUrl }).step).toBe(
      "deploy (dev) › Release (canary, then move alias live) (cancelled)",
    );
  });

  it("prefers the failed step to a cancelled one", () => {
    const steps = [
      { name: "Verify", number: 3, status: "completed", conclusion: "cancelled" },
      { name: "Deploy", number: 2, status: "completed", conclusion: "failure" },
    ];
    expect(findFailedStep([job({ steps })], { mode: "current", runnerName: "runner-1", runUrl }).step).toBe("deploy (dev) › Deploy");
  });

  it("finds a cancelled or timed-out job with --job any when none failed", () => {
    const jobs = [
      job({ name: "lint", status: "completed", conclusion: "success", runner_name: "a" }),
      job({ name: "test", status: "completed", conclusion: "timed_out", runner_name: "b", steps: [] }),
    ];
    expect(findFailedStep(jobs, { mode: "any", runUrl }).step).toBe("test (timed out)");
  });

  it("links the run, built by the shared ciRunUrl, when the API cannot be reached", () => {
    const result = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, ".github", "scripts", "failed-step.ts")], {
      cwd: ROOT,
      encoding: "utf8",
      env: {
        PATH: process.env.PATH,
        GITHUB_SERVER_URL: "https://ghe.example.com/",
        GITHUB_REPOSITORY: "o/r",
        GITHUB_RUN_ID: "7",
        GITHUB_API_URL: "http://127.0.0.1:1",
      },
    });
    expect([result.status, result.stdout]).toEqual([0, "step=unknown step\nurl=https://ghe.example.com/o/r/actions/runs/7\n"]);
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
    dir = tempDir("tf-plan-");
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

describe("release-summary.ts", () => {
  const released = {
    command: "release",
    env: "prod",
    outcome: "released",
    before: { version: "6", releaseId: "aaa111" },
    after: { version: "7", releaseId: "bbb222" },
    record: { seq: 12 },
  };

  describe("release results", () => {
    it("says before → after for a release", () => {
      expect(summariseRelease(released, "prod")).toEqual({
        outcome: "released",
        version: "7",
        summary: "released prod: release aaa111 (version 6) → release bbb222 (version 7)",
      });
    });

    it("says already in effect for a no-op, with the version that stays live", () => {
      const s = summariseRelease({ outcome: "no-op", before: { version: "7", releaseId: "bbb222" }, message: "version 7 is already live" }, "dev");
      expect([s.version, s.summary]).toEqual(["7", "release of dev already in effect: version 7 is already live"]);
    });

    it("says a refused release did not move the alias, and why", () => {
      expect(summariseRelease({ outcome: "refused", reason: "pinned", message: "prod is pinned" }, "prod").summary).toBe(
        "release of prod refused: prod is pinned; alias live was not moved",
      );
    });

    it("names a bare version without a release id as a version", () => {
      const s = summariseRelease({ ...released, before: { version: "6", releaseId: null } }, "prod");
      expect(s.summary).toBe("released prod: version 6 → release bbb222 (version 7)");
    });

    it("passes on the tool's message for an outcome it does not word itself", () => {
      const s = summariseRelease({ outcome: "moved-unrecorded", before: released.before, after: released.after, message: "ledger write denied" }, "prod");
      expect(s.summary).toBe("release of prod ended moved-unrecorded (alias live of prod: release aaa111 (version 6) → release bbb222 (version 7)): ledger write denied");
    });

    it("says the outcome is unknown when the command printed nothing", () => {
      expect(summariseRelease(parseResult(""), "prod")).toEqual({
        outcome: "unknown",
        summary: "release printed no result, so it did not finish: whether alias live of prod moved is unknown",
      });
    });
  });

  describe("rollback results", () => {
    it("names the target: before → after", () => {
      const s = summariseRollback({ outcome: "rolled-back", before: released.after, after: released.before, clearedCanary: false }, "prod");
      expect(s.summary).toBe("rolled back prod: release bbb222 (version 7) → release aaa111 (version 6)");
    });

    it("says already in effect when there was nothing to roll back", () => {
      const s = summariseRollback({ outcome: "no-op", before: released.before, message: "release aaa111 (version 6) is already live; nothing to do" }, "prod");
      expect([s.outcome, s.summary]).toEqual(["no-op", "rollback of prod already in effect: release aaa111 (version 6) is already live; nothing to do"]);
    });

    it("says a refused rollback did not move the alias, and why", () => {
      const s = summariseRollback({ outcome: "refused", reason: "assets-missing", message: "3 assets of release aaa111 are gone" }, "prod");
      expect(s.summary).toBe("rollback of prod refused: 3 assets of release aaa111 are gone; alias live was not moved");
    });
  });

  describe("releases lists and the pin", () => {
    const list = (pinned: unknown, live: unknown = { version: "7", weights: {} }) => ({
      live,
      pinned,
      records: [{ seq: 12, kind: "release", version: "7", releaseId: "bbb222" }],
    });

    it("says what the environment serves, named by the ledger", () => {
      expect(summariseReleases(list(null), "prod")).toEqual({ pinned: false, version: "7", summary: "prod serves release bbb222 (version 7)" });
    });

    it("says when a rollback pinned it", () => {
      expect(summariseReleases(list({ seq: 13, releaseId: "aaa111", version: "6" }), "prod").summary).toMatch(/pinned by rollback record 13/);
    });

    it("lets an unpinned environment deploy", () => {
      expect(checkPin(list(null), "prod", false).ok).toBe(true);
    });

    it("stops a pinned environment before anything changes", () => {
      expect(checkPin(list({ seq: 13, releaseId: "aaa111", version: "6" }), "prod", false)).toEqual({
        ok: false,
        message:
          "prod is pinned by rollback record 13 to release aaa111 (version 6): nothing was changed (no sync-assets, no cdktf deploy, no release). " +
          "When the fix is on main, run Actions → Deploy → Run workflow with unpin ticked",
      });
    });

    it("lets a pinned environment deploy when the run was started with unpin", () => {
      expect(checkPin(list({ seq: 13, releaseId: "aaa111", version: "6" }), "prod", true).ok).toBe(true);
    });

    it("stops when it cannot read the pin at all", () => {
      expect(checkPin(parseResult("npm error something"), "prod", true).ok).toBe(false);
    });

    it("accepts E2E when the alias still serves the released version", () => {
      expect(checkServing(list(null), "staging", "7").ok).toBe(true);
    });

    it("rejects E2E when the alias moved to another version meanwhile", () => {
      expect(checkServing(list(null, { version: "6", weights: {} }), "staging", "7").message).toMatch(/^staging changed while E2E ran: alias live serves version 6, not version 7/);
    });

    it("rejects E2E when the alias still splits traffic", () => {
      expect(checkServing(list(null, { version: "7", weights: { "8": 0.1 } }), "staging", "7").ok).toBe(false);
    });
  });

  describe("the CLI", () => {
    let dir: string;
    beforeEach(() => {
      dir = tempDir("release-summary-");
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const run = async (...argv: string[]) => {
      let out = "";
      const code = await releaseSummary(argv, {}, (text) => (out += text));
      return { code, out };
    };

    it("writes GITHUB_OUTPUT lines from the last JSON line of a result file", async () => {
      const file = path.join(dir, "release.json");
      writeFileSync(file, `noise\n${JSON.stringify(released)}\n`);
      expect(await run("release", file, "--env", "prod")).toEqual({
        code: 0,
        out: "outcome=released\nversion=7\nsummary=released prod: release aaa111 (version 6) → release bbb222 (version 7)\n",
      });
    });

    it("never fails on a missing result file: it says the outcome is unknown", async () => {
      expect((await run("rollback", path.join(dir, "missing.json"), "--env", "prod")).out).toMatch(/^outcome=unknown\n/);
    });

    it("exits 1 with an ::error:: annotation for a pinned environment", async () => {
      const file = path.join(dir, "releases.json");
      writeFileSync(file, JSON.stringify({ live: { version: "6", weights: {} }, pinned: { seq: 3, releaseId: "a1", version: "6" }, records: [] }));
      const result = await run("check-pin", file, "--env", "prod", "--unpin", "false");
      expect([result.code, result.out.startsWith("::error::prod is pinned by rollback record 3")]).toEqual([1, true]);
    });

    it("keeps a multi-line message on one output line", async () => {
      const file = path.join(dir, "release.json");
      writeFileSync(file, JSON.stringify({ outcome: "traffic-split", message: "restore with:\n  npm run …" }));
      expect((await run("release", file, "--env", "prod")).out.split("\n").filter(Boolean)).toHaveLength(2);
    });
  });

  describe("deploy notices", () => {
    const base: DeployNoticeInput = {
      env: "prod",
      releaseId: "bbb222",
      jobStatus: "failure",
      failedStep: "deploy (prod) › Verify production (Playwright E2E)",
      failedUrl: "https://github.com/o/r/actions/runs/7/job/9#step:14:1",
      preflight: "success",
      pinned: "false",
      release: "success",
      releaseSummary: "released prod: release aaa111 (version 6) → release bbb222 (version 7)",
      rollback: "success",
      rollbackSummary: "rolled back prod: release bbb222 (version 7) → release aaa111 (version 6)",
      serving: "prod serves release aaa111 (version 6); pinned by rollback record 13 (release refuses to move it forward until run with unpin)",
    };

    it("reports the automatic rollback as the tool reported it, and what prod serves now", () => {
      expect(deployNotice(base)).toBe(
        "Deploy of bbb222 to prod failed at deploy (prod) › Verify production (Playwright E2E). " +
          "Automatic rollback: rolled back prod: release bbb222 (version 7) → release aaa111 (version 6). " +
          "Now: prod serves release aaa111 (version 6); pinned by rollback record 13 (release refuses to move it forward until run with unpin). " +
          "Failed step: https://github.com/o/r/actions/runs/7/job/9#step:14:1",
      );
    });

    it("says a run that stopped before its release did not move the alias, without claiming what is served", () => {
      const text = deployNotice({ ...base, release: "skipped", rollback: "skipped", releaseSummary: "", rollbackSummary: "", serving: "" });
      expect([/did not reach its release step, so it did not move alias live/.test(text), /previous release/.test(text), /was not read/.test(text)]).toEqual([
        true,
        false,
        true,
      ]);
    });

    it("says a pinned environment stopped before changing anything", () => {
      expect(deployNotice({ ...base, preflight: "failure", pinned: "true", release: "", rollback: "" })).toMatch(
        /Stopped before changing anything: a rollback pinned prod\. Once the fix is on main, run Deploy with unpin\./,
      );
    });

    it("shouts when the automatic rollback failed, with its reason", () => {
      expect(deployNotice({ ...base, rollback: "failure", rollbackSummary: "rollback of prod refused: assets gone; alias live was not moved" })).toMatch(
        /THE AUTOMATIC ROLLBACK FAILED \(rollback of prod refused: assets gone; alias live was not moved\): roll back by hand/,
      );
    });

    it("reports a refused or aborted release by its own result", () => {
      expect(deployNotice({ ...base, release: "failure", releaseSummary: "canary of prod aborted: alarm X fired", rollback: "skipped" })).toMatch(
        /at deploy \(prod\) › Verify production \(Playwright E2E\)\. Canary of prod aborted: alarm X fired\. Now:/,
      );
    });

    it("reports the automatic rollback after a cancelled release step too, after what the release reported", () => {
      expect(
        deployNotice({
          ...base,
          jobStatus: "cancelled",
          release: "cancelled",
          releaseSummary: "canary of prod aborted: interrupted; all traffic on version 6",
          rollbackSummary: "release aaa111 (version 6) is already live; nothing to do",
        }),
      ).toMatch(/Canary of prod aborted: interrupted; all traffic on version 6\. Automatic rollback: release aaa111 \(version 6\) is already live; nothing to do\. Now:/);
    });

    it("says a release in an environment without automatic rollback stays live", () => {
      expect(deployNotice({ ...base, env: "staging", rollback: "", rollbackSummary: "", releaseSummary: "released staging: version 3 → version 4" })).toMatch(
        /Released staging: version 3 → version 4; it stays live: nothing rolls staging back automatically\./,
      );
    });

    it("says cancelled or timed out rather than failed", () => {
      expect(deployNotice({ ...base, jobStatus: "cancelled" })).toMatch(/^Deploy of bbb222 to prod was cancelled or timed out at /);
    });

    it("adds the workflow's note before what is served now", () => {
      expect(deployNotice({ ...base, note: "This run does not deploy production." })).toMatch(/This run does not deploy production\. Now: /);
    });
  });
});
