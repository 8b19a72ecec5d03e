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

  it("runs E2E after staging is deployed", () => {
    expect(needsOf(deploy.jobs["e2e-staging"]!)).toEqual(["deploy-staging"]);
  });

  it("runs E2E against the staging URL the staging job reports", () => {
    const e2e = deploy.jobs["e2e-staging"]!.steps.find((s) => runs(s, /^npm run e2e$/m));
    expect(e2e?.env?.BASE_URL).toBe("${{ needs.deploy-staging.outputs.url }}");
  });

  it("deploys prod only after E2E passed", () => {
    expect(needsOf(deploy.jobs["deploy-prod"]!)).toContain("e2e-staging");
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
    const release = () => stepIndex(job(), (s) => runs(s, new RegExp(`npm run release -- "\\$\\{args\\[@\\]\\}"`)) && s.run!.includes(`--env ${env} `));

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
  });

  it("rolls prod back automatically when a step fails after the release", () => {
    const job = deploy.jobs["deploy-prod"]!;
    const release = stepIndex(job, (s) => s.id === "release");
    const rollbackStep = stepIndex(job, (s) => runs(s, /npm run rollback -- --env prod /));
    expect([rollbackStep > release, job.steps[rollbackStep]?.if]).toEqual([true, "failure() && steps.release.outcome == 'success'"]);
  });

  it("verifies prod after the release, so a broken release is rolled back", () => {
    const job = deploy.jobs["deploy-prod"]!;
    const release = stepIndex(job, (s) => s.id === "release");
    const verify = stepIndex(job, (s) => runs(s, /^npm run e2e$/m));
    expect(verify).toBeGreaterThan(release);
  });

  it("notifies when the checks or the build fail before any deploy", () => {
    const blocked = deploy.jobs["notify-blocked"]!;
    expect([needsOf(blocked).sort(), blocked.if]).toEqual([[...CHECKS, "build"].sort(), "failure()"]);
  });

  it("notifies a failed E2E run", () => {
    expect(deploy.jobs["e2e-staging"]!.steps.some((s) => runs(s, /npm run notify -- --status failure --env staging/))).toBe(true);
  });
});

describe("rollback.yml", () => {
  const job = rollback.jobs.rollback!;

  it("is started by hand with an environment, an optional target and a reason", () => {
    const inputs = (rollback.on.workflow_dispatch as { inputs: Record<string, { required?: boolean; options?: string[] }> }).inputs;
    expect([inputs.environment?.options, inputs.to?.required, inputs.reason?.required]).toEqual([[...ENVIRONMENT_NAMES], false, true]);
  });

  it("runs npm run rollback, then notifies", () => {
    const rb = stepIndex(job, (s) => runs(s, /npm run rollback -- "\$\{args\[@\]\}"/));
    const notify = stepIndex(job, (s) => runs(s, /npm run notify -- --status rollback/));
    expect([rb > -1, notify > rb]).toEqual([true, true]);
  });

  it("runs prod rollbacks in the production environment", () => {
    expect(environmentName(job)).toBe("${{ inputs.environment == 'prod' && 'production' || inputs.environment }}");
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
