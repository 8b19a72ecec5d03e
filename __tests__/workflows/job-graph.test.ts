/**
 * The pipeline's shape, read from the workflow files: what runs in parallel, what gates
 * what, and the deploy sequence inside each environment's job.
 */
import { ENVIRONMENT_NAMES } from "../../environments";
import { ancestors, environmentName, needsOf, runs, stepIndex, usesAction, workflow, type Job } from "./support";

const ci = workflow("ci.yml");
const deploy = workflow("deploy.yml");
const rollback = workflow("rollback.yml");
const drift = workflow("drift.yml");

const CHECKS = ["typecheck", "lint", "test"] as const;
const DEPLOY_JOBS = { dev: "deploy-dev", staging: "deploy-staging", prod: "deploy-prod" } as const;

describe("ci.yml (pull requests)", () => {
  it("runs on pull requests", () => {
    expect(Object.keys(ci.on)).toEqual(["pull_request"]);
  });

  it.each(CHECKS)("runs %s as its own job that waits for nothing", (check) => {
    expect(needsOf(ci.jobs[check]!)).toEqual([]);
  });

  it.each(CHECKS)("runs `npm run %s` in the job of that name", (check) => {
    expect(ci.jobs[check]!.steps.some((s) => runs(s, new RegExp(`^npm (run )?${check}$`, "m")))).toBe(true);
  });

  it("runs the local E2E suite in parallel with the checks", () => {
    const job = ci.jobs["e2e-local"]!;
    expect([needsOf(job), job.steps.some((s) => runs(s, /npm run e2e:local/))]).toEqual([[], true]);
  });

  it("plans only after synth, from its artifact", () => {
    expect(needsOf(ci.jobs.plan!)).toEqual(["synth"]);
  });

  it("plans every environment", () => {
    expect(ci.jobs.plan!.strategy?.matrix?.include?.map((m) => m.env)).toEqual([...ENVIRONMENT_NAMES]);
  });

  it("keeps the plan JSON of every environment as an artifact", () => {
    const upload = ci.jobs.plan!.steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"));
    expect(upload?.with?.path).toMatch(/plan\.json$/);
  });

  it("summarises the plans with plan-review in one job after all plans", () => {
    const review = ci.jobs["plan-review"]!;
    expect([needsOf(review), review.steps.some((s) => runs(s, /npm run --silent plan-review -- /))]).toEqual([["plan"], true]);
  });

  it("updates its own pull-request comment, found by a marker, instead of adding one per push", () => {
    const script = String(ci.jobs["plan-review"]!.steps.find((s) => s.uses?.startsWith("actions/github-script@"))?.with?.script);
    expect([script.includes("updateComment"), script.includes("<!-- plan-review -->")]).toEqual([true, true]);
  });

  it("fails the pull request when plan-review reports a protected destruction", () => {
    const review = ci.jobs["plan-review"]!;
    const fail = review.steps.at(-1)!;
    expect([fail.if, fail.run?.includes("exit 1")]).toEqual(["steps.review.outputs.exit-code != '0'", true]);
  });
});

describe("deploy.yml (push to main)", () => {
  it("runs on pushes to main and by hand", () => {
    expect(deploy.on).toEqual({ push: { branches: ["main"] }, workflow_dispatch: expect.anything() });
  });

  it.each([...CHECKS, "build"])("runs %s in parallel with the other checks and the build", (job) => {
    expect(needsOf(deploy.jobs[job]!)).toEqual([]);
  });

  it("builds once: only the build job builds or synthesizes", () => {
    const builders = Object.entries(deploy.jobs)
      .filter(([, job]) => job.steps.some((s) => runs(s, /npm run (synth|build:example)\b/)))
      .map(([id]) => id);
    expect(builders).toEqual(["build"]);
  });

  it.each(ENVIRONMENT_NAMES)("deploys %s from the build artifact", (env) => {
    const download = deploy.jobs[DEPLOY_JOBS[env]]!.steps.find((s) => s.uses?.startsWith("actions/download-artifact@"));
    expect(download?.with?.name).toBe("build");
  });

  it.each(["dev", "staging"] as const)("deploys %s only after every check and the build passed", (env) => {
    expect(needsOf(deploy.jobs[DEPLOY_JOBS[env]]!).sort()).toEqual([...CHECKS, "build"].sort());
  });

  it("deploys dev and staging in parallel: neither waits for the other", () => {
    expect([ancestors(deploy, "deploy-dev").has("deploy-staging"), ancestors(deploy, "deploy-staging").has("deploy-dev")]).toEqual([false, false]);
  });

  /** Jobs that run the E2E suite against staging's URL (from env-outputs.ts staging). */
  const stagingE2eJobs = () =>
    Object.entries(deploy.jobs)
      .filter(([, job]) => job.steps.some((s) => runs(s, /env-outputs\.ts staging\b/)) && job.steps.some((s) => runs(s, /^npm run e2e$/m)))
      .map(([id]) => id);
  const stagingJob = () => deploy.jobs["deploy-staging"]!;
  const stagingE2e = () => stepIndex(stagingJob(), (s) => runs(s, /^npm run e2e$/m));

  it("runs E2E against staging in exactly one job: the staging deploy job", () => {
    expect(stagingE2eJobs()).toEqual(["deploy-staging"]);
  });

  it("runs E2E after staging is deployed and released, in the same job", () => {
    const release = stepIndex(stagingJob(), (s) => s.id === "release");
    expect([release > -1, stagingE2e() > release]).toEqual([true, true]);
  });

  it("runs E2E against the staging URL the staging job read from its config", () => {
    const env = stagingJob().steps.find((s) => s.id === "env");
    expect([env?.run, stagingJob().steps[stagingE2e()]?.env?.BASE_URL]).toEqual([
      expect.stringContaining("env-outputs.ts staging"),
      "${{ steps.env.outputs.url }}",
    ]);
  });

  it("runs staging's E2E inside the deploy-staging concurrency group, so no later push redeploys staging under it", () => {
    const group = stagingJob().concurrency;
    expect(typeof group === "object" ? group.group : group).toBe("deploy-staging");
  });

  it("checks after E2E that staging still serves the version this run released", () => {
    const check = stepIndex(stagingJob(), (s) => runs(s, /release-summary\.ts check-serving .*--env staging --version "\$VERSION"/));
    expect([check > stagingE2e(), stagingJob().steps[check]?.env?.VERSION]).toEqual([true, "${{ steps.release.outputs.version }}"]);
  });

  it("deploys prod only after E2E passed on staging", () => {
    expect(needsOf(deploy.jobs["deploy-prod"]!)).toEqual(expect.arrayContaining(stagingE2eJobs()));
  });

  it("deploys prod only after staging (through E2E) and dev", () => {
    const before = ancestors(deploy, "deploy-prod");
    expect([before.has("deploy-staging"), before.has("deploy-dev")]).toEqual([true, true]);
  });

  it("deploys prod in the production environment, whose required reviewers gate it", () => {
    expect(environmentName(deploy.jobs["deploy-prod"]!)).toBe("production");
  });

  it("deploys no environment but prod in the production environment", () => {
    const production = Object.entries(deploy.jobs).filter(([, job]) => environmentName(job) === "production").map(([id]) => id);
    expect(production).toEqual(["deploy-prod"]);
  });

  describe.each(ENVIRONMENT_NAMES)("the %s deploy job", (env) => {
    const job = (): Job => deploy.jobs[DEPLOY_JOBS[env]]!;
    const sync = () => stepIndex(job(), (s) => runs(s, new RegExp(`npm run sync-assets -- --env ${env} `)));
    const apply = () => stepIndex(job(), (s) => runs(s, new RegExp(`npx cdktf deploy '${env}-\\*' --auto-approve`)));
    const release = () =>
      stepIndex(job(), (s) => runs(s, new RegExp(`npm run (--silent )?release -- "\\$\\{args\\[@\\]\\}"`)) && s.run!.includes(`--env ${env} `));
    const preflight = () => stepIndex(job(), (s) => s.id === "preflight");

    it("uploads assets before it deploys infrastructure", () => {
      expect(sync()).toBeGreaterThan(-1);
      expect(sync()).toBeLessThan(apply());
    });

    it("deploys infrastructure before it releases", () => {
      expect(apply()).toBeGreaterThan(-1);
      expect(apply()).toBeLessThan(release());
    });

    it("uses the release id of the assets manifest for the release", () => {
      expect([job().steps[sync()]!.run, job().steps[release()]!.run].every((r) => r?.includes('"$RELEASE_ID"'))).toBe(true);
    });

    it("assumes its own environment's role", () => {
      const creds = job().steps.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
      expect(creds?.with?.["role-to-assume"]).toBe(`\${{ vars.AWS_ROLE_ARN_${env.toUpperCase()} }}`);
    });

    it("never names another environment", () => {
      const others = ENVIRONMENT_NAMES.filter((e) => e !== env);
      const text = JSON.stringify(job().steps);
      expect(others.filter((other) => new RegExp(`--env ${other}\\b|'${other}-\\*'|AWS_ROLE_ARN_${other.toUpperCase()}\\b`).test(text))).toEqual([]);
    });

    it("notifies when a step fails, with the failed step", () => {
      const notify = job().steps.filter((s) => runs(s, /npm run notify -- --status failure/));
      expect(notify.length > 0 && notify.every((s) => String(s.if).includes("failure()") && s.run!.includes('--step "$FAILED_STEP"'))).toBe(true);
    });

    it("notifies a cancelled or timed-out run too", () => {
      const notify = job().steps.filter((s) => runs(s, /npm run notify -- --status (failure|rollback)/));
      expect(notify.filter((s) => !String(s.if).startsWith("(failure() || cancelled())") && s.if !== "failure() || cancelled()").map((s) => s.name)).toEqual([]);
    });

    it("looks up the failed step on a cancelled or timed-out run too", () => {
      expect(job().steps.find((s) => s.id === "failed")?.if).toBe("failure() || cancelled()");
    });

    it("checks the pin before it changes anything (before sync-assets)", () => {
      expect([preflight() > -1, preflight() < sync()]).toEqual([true, true]);
    });

    it("reads the pin from the releases list's JSON and stops unless the run was started with unpin", () => {
      const run = job().steps[preflight()]?.run ?? "";
      expect([
        new RegExp(`npm run --silent releases -- --env ${env} --json > (\\S+)`).test(run),
        new RegExp(`release-summary\\.ts check-pin \\S+ --env ${env} --unpin "\\$UNPIN"`).test(run),
      ]).toEqual([true, true]);
    });

    it("releases with --json and keeps its summary as a step output", () => {
      const run = job().steps[release()]?.run ?? "";
      expect([run.includes("--json)"), /release-summary\.ts release \S+ --env \S+ >> "\$GITHUB_OUTPUT"/.test(run), run.includes('exit "$code"')]).toEqual([
        true,
        true,
        true,
      ]);
    });

    it("builds its failure notice from what the steps and the release tools reported, and what the environment serves now", () => {
      const notify = job().steps.find((s) => s.name === "Notify failure")!;
      const now = job().steps.find((s) => s.id === "now");
      expect([
        notify.run!.includes(`release-summary.ts deploy-notice --env ${env})`),
        notify.env?.RELEASE_SUMMARY,
        notify.env?.SERVING,
        notify.env?.JOB_STATUS,
        now?.run?.includes(`npm run --silent releases -- --env ${env} --json`),
      ]).toEqual([true, "${{ steps.release.outputs.summary }}", "${{ steps.now.outputs.summary }}", "${{ job.status }}", true]);
    });

    it("states nothing about the alias that no step reported", () => {
      const text = job().steps.map((s) => s.run ?? "").join("\n");
      expect(text).not.toMatch(/still serves the previous release|to the previous release:/i);
    });
  });

  it("rolls prod back automatically when a step fails after the release", () => {
    const job = deploy.jobs["deploy-prod"]!;
    const release = stepIndex(job, (s) => s.id === "release");
    const rollbackStep = stepIndex(job, (s) => runs(s, /npm run (--silent )?rollback -- --env prod /));
    expect([rollbackStep > release, job.steps[rollbackStep]?.if]).toEqual([true, "(failure() || cancelled()) && steps.release.outcome == 'success'"]);
  });

  it("rolls prod back with --json and keeps its summary (before → after, or already in effect) for the notice", () => {
    const job = deploy.jobs["deploy-prod"]!;
    const step = job.steps.find((s) => s.id === "rollback")!;
    const notices = job.steps.filter((s) => s.name === "Notify rollback" || s.name === "Notify failure");
    expect([
      /npm run --silent rollback -- --env prod --json .*> (\S+) \|\| code=\$\?/.test(step.run!),
      /release-summary\.ts rollback \S+ --env prod >> "\$GITHUB_OUTPUT"/.test(step.run!),
      notices.map((s) => [s.env?.ROLLBACK, s.env?.ROLLBACK_SUMMARY]),
    ]).toEqual([
      true,
      true,
      [
        ["${{ steps.rollback.outcome }}", "${{ steps.rollback.outputs.summary }}"],
        ["${{ steps.rollback.outcome }}", "${{ steps.rollback.outputs.summary }}"],
      ],
    ]);
  });

  it("posts a rollback notice when the automatic rollback ran, and a failure notice otherwise", () => {
    const job = deploy.jobs["deploy-prod"]!;
    const conditions = ["Notify rollback", "Notify failure"].map((name) => job.steps.find((s) => s.name === name)?.if);
    expect(conditions).toEqual([
      "(failure() || cancelled()) && steps.rollback.outcome == 'success'",
      "(failure() || cancelled()) && steps.rollback.outcome != 'success'",
    ]);
  });

  it("bounds every prod step from the pre-flight on by its own timeout, within the job's", () => {
    const job = deploy.jobs["deploy-prod"]!;
    const from = stepIndex(job, (s) => s.id === "preflight");
    const bounded = job.steps.slice(from).filter((s) => s.uses === undefined);
    const total = bounded.reduce((sum, s) => sum + (typeof s["timeout-minutes"] === "number" ? s["timeout-minutes"] : Number.NaN), 0);
    // 10 minutes for checkout, npm ci, the artifact and the credentials before the pre-flight.
    expect([from > -1, total + 10 <= job["timeout-minutes"]!]).toEqual([true, true]);
  });

  it("verifies prod after the release, so a broken release is rolled back", () => {
    const job = deploy.jobs["deploy-prod"]!;
    const release = stepIndex(job, (s) => s.id === "release");
    const verify = stepIndex(job, (s) => runs(s, /^npm run e2e$/m));
    expect(verify).toBeGreaterThan(release);
  });

  it("notifies when the checks or the build fail, are cancelled or time out, before any deploy", () => {
    const blocked = deploy.jobs["notify-blocked"]!;
    expect([needsOf(blocked).sort(), blocked.if]).toEqual([
      [...CHECKS, "build"].sort(),
      "(failure() || cancelled()) && (contains(needs.*.result, 'failure') || contains(needs.*.result, 'cancelled'))",
    ]);
  });

  it("names the failing check in that notice and says no environment was deployed", () => {
    const notify = deploy.jobs["notify-blocked"]!.steps.find((s) => runs(s, /npm run notify/))!;
    expect([notify.run!.includes('--step "$FAILED_STEP"'), /deployed to no environment/.test(notify.run!)]).toEqual([true, true]);
  });

  it("notifies a failed E2E run", () => {
    const job = deploy.jobs["deploy-staging"]!;
    const notify = stepIndex(job, (s) => runs(s, /npm run notify -- --status failure --env staging/));
    expect(notify).toBeGreaterThan(stepIndex(job, (s) => runs(s, /^npm run e2e$/m)));
  });
});

describe("rollback.yml", () => {
  const job = rollback.jobs.rollback!;

  it("is started by hand with an environment, an optional target and a reason", () => {
    const inputs = (rollback.on.workflow_dispatch as { inputs: Record<string, { required?: boolean; options?: string[] }> }).inputs;
    expect([inputs.environment?.options, inputs.to?.required, inputs.reason?.required]).toEqual([[...ENVIRONMENT_NAMES], false, true]);
  });

  it("runs npm run rollback, then notifies", () => {
    const rb = stepIndex(job, (s) => runs(s, /npm run (--silent )?rollback -- "\$\{args\[@\]\}"/));
    const notify = stepIndex(job, (s) => runs(s, /npm run notify -- --status rollback/));
    expect([rb > -1, notify > rb]).toEqual([true, true]);
  });

  it("runs prod rollbacks in production-rollback, an environment without the deploy's required reviewers", () => {
    expect(environmentName(job)).toBe("${{ inputs.environment == 'prod' && 'production-rollback' || inputs.environment }}");
  });

  it("still assumes the environment's own role for prod (AWS_ROLE_ARN_PROD)", () => {
    const creds = job.steps.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
    expect(String(creds?.with?.["role-to-assume"])).toContain("inputs.environment == 'prod' && 'PROD'");
  });

  it("rolls back with --json and tells the notice what happened (before → after, already in effect, refused)", () => {
    const step = job.steps.find((s) => s.id === "rollback")!;
    const notices = job.steps.filter((s) => runs(s, /npm run notify/));
    expect([
      step.run!.includes("--json"),
      /release-summary\.ts rollback \S+ --env "\$ENV_NAME"/.test(step.run!),
      notices.map((s) => s.env?.SUMMARY),
    ]).toEqual([true, true, ["${{ steps.rollback.outputs.summary }}", "${{ steps.rollback.outputs.summary }}"]]);
  });

  it("never claims a target it was not told", () => {
    const text = job.steps.map((s) => s.run ?? "").join("\n");
    expect(text).not.toMatch(/the previous release/);
  });

  it("notifies a failed, cancelled or timed-out rollback", () => {
    const notify = job.steps.find((s) => runs(s, /npm run notify -- --status failure/));
    expect(notify?.if).toBe("failure() || cancelled()");
  });

  it("changes nothing with Terraform", () => {
    expect(usesAction(job, "hashicorp/setup-terraform") || job.steps.some((s) => runs(s, /cdktf|terraform/))).toBe(false);
  });
});

describe("drift.yml", () => {
  const job = drift.jobs.drift!;

  it("runs nightly and by hand", () => {
    expect([(drift.on.schedule as { cron: string }[])[0]?.cron, "workflow_dispatch" in drift.on]).toEqual([expect.stringMatching(/^\d+ \d+ \* \* \*$/), true]);
  });

  it("checks every environment", () => {
    expect(job.strategy?.matrix?.include?.map((m) => m.env)).toEqual([...ENVIRONMENT_NAMES]);
  });

  it("plans with -detailed-exitcode", () => {
    expect(job.steps.some((s) => runs(s, /terraform-plan\.sh "\$ENV_NAME" --detailed-exitcode/))).toBe(true);
  });

  it("notifies when it finds drift", () => {
    const notify = job.steps.find((s) => runs(s, /npm run notify -- --status failure/) && s.if === "steps.plan.outputs.drift == 'true'");
    expect(notify).toBeDefined();
  });
});
