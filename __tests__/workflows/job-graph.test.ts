/**
 * The pipeline's shape, read from the workflow files: what runs in parallel, what gates
 * what, and the deploy sequence inside each environment's job. Which environments there are,
 * their waves and gates come from environments/ at run time, so the expectations here come
 * from the config too, through the workflows' own `npm run environments` steps.
 */
import { loadEnvironments } from "../../environments";
import { MAX_DEPLOY_WAVES } from "../../environments/schema";
import { describePipeline, type PipelineEnvironment } from "../../scripts/environments/describe";
import {
  environmentName,
  fromJsonOutput,
  JobStepFailed,
  needsOf,
  ROOT,
  runJobOutputs,
  runs,
  stepIndex,
  usesAction,
  workflow,
  type Job,
} from "./support";

const ci = workflow("ci.yml");
const deploy = workflow("deploy.yml");
const deployEnvironment = workflow("deploy-environment.yml");
const rollback = workflow("rollback.yml");
const drift = workflow("drift.yml");

const CHECKS = ["typecheck", "lint", "test"] as const;
const pipeline = describePipeline(loadEnvironments());
const names = (envs: readonly { name: string }[]) => envs.map((e) => e.name);

/**
 * The outputs of deploy.yml's `environments` job, run here as GitHub would run it (once: ci.yml
 * and drift.yml have the same job, see below).
 */
let listed: Record<string, string> | undefined;
const environmentsOutputs = () => (listed ??= runJobOutputs(deploy, "environments", ROOT));

/** The environments a job's matrix runs for, once its `environments` job has run. */
function matrixEnvironments(job: Job, outputs: Record<string, string>): PipelineEnvironment[] {
  return fromJsonOutput(job.strategy?.matrix?.env, { environments: outputs }) as PipelineEnvironment[];
}

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

  it("runs the zero-downtime rehearsal, then its planted faults, in parallel with the checks", () => {
    const job = ci.jobs.rehearsal!;
    const rehearse = stepIndex(job, (s) => runs(s, /^npm run rehearse$/m));
    const faults = stepIndex(job, (s) => runs(s, /^npm run test:e2e$/m));
    expect([needsOf(job), rehearse > -1, faults > rehearse]).toEqual([[], true, true]);
  });

  it("plans only after synth, from its artifact, and the list of environments", () => {
    expect(needsOf(ci.jobs.plan!)).toEqual(["synth", "environments"]);
  });

  it("plans every environment of the config, read at run time", () => {
    expect(names(matrixEnvironments(ci.jobs.plan!, environmentsOutputs()))).toEqual(names(pipeline.environments));
  });

  it("keeps the plan JSON of every environment as an artifact", () => {
    const upload = ci.jobs.plan!.steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"));
    expect(upload?.with?.path).toMatch(/plan\.json$/);
  });

  it("summarises the plans with plan-review in one job after synth and all plans", () => {
    const review = ci.jobs["plan-review"]!;
    expect([needsOf(review), review.steps.some((s) => runs(s, /npm run --silent plan-review -- /))]).toEqual([["synth", "plan"], true]);
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
  const waveJobs = Object.keys(deploy.jobs).filter((id) => /^deploy-wave-\d+$/.test(id));
  let outputs: Record<string, string>;
  beforeAll(() => {
    outputs = environmentsOutputs();
  });

  it("runs on pushes to main and by hand", () => {
    expect(deploy.on).toEqual({ push: { branches: ["main"] }, workflow_dispatch: expect.anything() });
  });

  it.each([...CHECKS, "build", "environments"])("runs %s in parallel with the other checks and the build", (job) => {
    expect(needsOf(deploy.jobs[job]!)).toEqual([]);
  });

  it("builds once: only the build job builds or synthesizes", () => {
    const builders = Object.entries(deploy.jobs)
      .filter(([, job]) => (job.steps ?? []).some((s) => runs(s, /npm run (synth|build:example|app -- --build)\b/)))
      .map(([id]) => id);
    expect(builders).toEqual(["build"]);
  });

  it("lists the environments at run time with npm run environments -- --json", () => {
    expect(JSON.parse(outputs.json!)).toEqual(JSON.parse(JSON.stringify(pipeline)));
  });

  it("has one deploy job per wave the schema allows", () => {
    expect(waveJobs).toEqual(Array.from({ length: MAX_DEPLOY_WAVES }, (_, i) => `deploy-wave-${i + 1}`));
  });

  it("deploys every environment in the job of its configured wave", () => {
    const deployed = waveJobs.map((id, i) => (i < pipeline.waveCount ? names(matrixEnvironments(deploy.jobs[id]!, outputs)) : []));
    expect(deployed).toEqual(waveJobs.map((_, i) => names(pipeline.waves[i]?.environments ?? [])));
  });

  it("runs a wave job only when the config has that wave", () => {
    expect(waveJobs.slice(1).map((id) => deploy.jobs[id]!.if)).toEqual(
      waveJobs.slice(1).map((_, i) => `fromJSON(needs.environments.outputs.json).waveCount >= ${i + 2}`),
    );
  });

  it("builds the app app.config.ts names and carries that build's folder in the artifact (not the example app's)", () => {
    const build = deploy.jobs.build!;
    const appStep = build.steps.find((s) => s.id === "app");
    const upload = build.steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"));
    expect([runs(appStep!, /^npm run app -- --build$/m), upload?.with?.path?.toString().split("\n")[0]]).toEqual([true, "${{ steps.app.outputs.output }}/"]);
  });

  it("deploys the first wave only after every check and the build passed", () => {
    expect(needsOf(deploy.jobs["deploy-wave-1"]!).sort()).toEqual([...CHECKS, "build", "environments"].sort());
  });

  it("starts each later wave only after the wave before it", () => {
    expect(waveJobs.slice(1).map((id) => needsOf(deploy.jobs[id]!))).toEqual(waveJobs.slice(0, -1).map((before) => ["environments", before]));
  });

  it("deploys the environments of one wave in parallel, each to the end even when another fails", () => {
    expect(waveJobs.map((id) => (deploy.jobs[id]!.strategy as { "fail-fast"?: boolean })["fail-fast"])).toEqual(waveJobs.map(() => false));
  });

  it("deploys each environment with deploy-environment.yml, given its entry of npm run environments", () => {
    expect(waveJobs.map((id) => [deploy.jobs[id]!.uses, deploy.jobs[id]!.with?.environment])).toEqual(
      waveJobs.map(() => ["./.github/workflows/deploy-environment.yml", "${{ toJSON(matrix.env) }}"]),
    );
  });

  it("passes the unpin input on to every environment", () => {
    expect(waveJobs.map((id) => deploy.jobs[id]!.with?.unpin)).toEqual(waveJobs.map(() => "${{ inputs.unpin == true }}"));
  });

  it("gives every protected environment an earlier wave with an E2E gate (the shipped config)", () => {
    const ungated = pipeline.environments.filter((env) => env.protected && !pipeline.environments.some((o) => o.e2e && o.wave < env.wave));
    expect([pipeline.environments.some((e) => e.protected), names(ungated)]).toEqual([true, []]);
  });

  it("notifies when the checks, the build or the environment list fail, are cancelled or time out, before any deploy", () => {
    const blocked = deploy.jobs["notify-blocked"]!;
    expect([needsOf(blocked).sort(), blocked.if]).toEqual([
      [...CHECKS, "build", "environments"].sort(),
      "(failure() || cancelled()) && (contains(needs.*.result, 'failure') || contains(needs.*.result, 'cancelled'))",
    ]);
  });

  it("names the failing check in that notice and says no environment was deployed", () => {
    const notify = deploy.jobs["notify-blocked"]!.steps.find((s) => runs(s, /npm run notify/))!;
    expect([notify.run!.includes('--step "$FAILED_STEP"'), /deployed to no environment/.test(notify.run!)]).toEqual([true, true]);
  });
});

describe("deploy-environment.yml (one environment's deploy)", () => {
  const job = deployEnvironment.jobs.deploy!;
  // The static files' sync (its manifest is what the release requires); the cache sync is before it.
  const sync = stepIndex(job, (s) => runs(s, /npm run sync-assets -- --env "\$ENV_NAME" --release "\$RELEASE_ID"$/m));
  const cacheSync = stepIndex(job, (s) => runs(s, /npm run --silent app -- --json[\s\S]*npm run sync-assets/));
  const apply = stepIndex(job, (s) => runs(s, /npx cdktf deploy "\$ENV_NAME-\*" --auto-approve/));
  const release = stepIndex(job, (s) => s.id === "release");
  const e2e = stepIndex(job, (s) => s.id === "e2e");
  const preflight = stepIndex(job, (s) => s.id === "preflight");
  const input = (field: keyof PipelineEnvironment) => `\${{ fromJSON(inputs.environment).${field} }}`;

  it("is only called by other workflows, with the environment's object", () => {
    const inputs = (deployEnvironment.on.workflow_call as { inputs: Record<string, { type: string; required?: boolean }> }).inputs;
    expect([Object.keys(deployEnvironment.on), inputs.environment]).toEqual([["workflow_call"], expect.objectContaining({ type: "string", required: true })]);
  });

  it("acts on the environment it was given, by the name in its object", () => {
    expect(job.env?.ENV_NAME).toBe(input("name"));
  });

  it("runs in the environment's GitHub environment, whose required reviewers gate protected ones", () => {
    expect(environmentName(job)).toBe(input("githubEnvironment"));
  });

  it("names a GitHub environment of its own for every protected environment of the config", () => {
    const own = pipeline.environments.filter((env) => env.protected).map((env) => env.githubEnvironment !== env.name);
    expect([own.length > 0, own.every(Boolean)]).toEqual([true, true]);
  });

  it("deploys from the build artifact", () => {
    expect(job.steps.find((s) => s.uses?.startsWith("actions/download-artifact@"))?.with?.name).toBe("build");
  });

  it("assumes the role in the environment's role variable", () => {
    const creds = job.steps.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
    expect(creds?.with?.["role-to-assume"]).toBe("${{ vars[fromJSON(inputs.environment).roleVariable] }}");
  });

  it("runs in a concurrency group of its environment", () => {
    expect(job.concurrency).toEqual({ group: `deploy-${input("name")}`, "cancel-in-progress": false });
  });

  it("checks the pin before it changes anything (before sync-assets)", () => {
    expect([preflight > -1, preflight < sync]).toEqual([true, true]);
  });

  it("syncs the static files the app build names (no --dir: app.config.ts's build, not the example app's folder)", () => {
    expect(job.steps[sync]!.run).not.toMatch(/--dir|examples\//);
  });

  it("syncs an OpenNext build's incremental cache, from the build's own folder and prefix, before the static files", () => {
    expect([cacheSync > preflight, cacheSync < sync, /--prefix "\$\(jq -r \.keyPrefix/.test(job.steps[cacheSync]?.run ?? "")]).toEqual([true, true, true]);
  });

  it("uploads assets before it deploys infrastructure", () => {
    expect([sync > -1, sync < apply]).toEqual([true, true]);
  });

  it("deploys infrastructure before it releases", () => {
    expect([apply > -1, apply < release]).toEqual([true, true]);
  });

  it("uses the release id of the assets manifest for the release", () => {
    expect([job.steps[sync]!.run, job.steps[release]!.run].every((r) => r?.includes('"$RELEASE_ID"'))).toBe(true);
  });

  it("reads the pin from the releases list's JSON and stops unless the run was started with unpin", () => {
    const run = job.steps[preflight]?.run ?? "";
    expect([
      /npm run --silent releases -- --env "\$ENV_NAME" --json > (\S+)/.test(run),
      /release-summary\.ts check-pin \S+ --env "\$ENV_NAME" --unpin "\$UNPIN"/.test(run),
    ]).toEqual([true, true]);
  });

  it("releases with --json and keeps its summary as a step output", () => {
    const run = job.steps[release]?.run ?? "";
    expect([run.includes("--json)"), /release-summary\.ts release \S+ --env \S+ >> "\$GITHUB_OUTPUT"/.test(run), run.includes('exit "$code"')]).toEqual([true, true, true]);
  });

  it("releases as a canary with the environment's configured percent, steps and step minutes", () => {
    const step = job.steps[release]!;
    expect([
      step.env,
      step.run!.includes('args+=(--canary "$CANARY_PERCENT" --steps "$CANARY_STEPS" --step-minutes "$CANARY_STEP_MINUTES")'),
    ]).toEqual([
      {
        CANARY_PERCENT: "${{ fromJSON(inputs.environment).canary.percent }}",
        CANARY_STEPS: "${{ fromJSON(inputs.environment).canary.steps }}",
        CANARY_STEP_MINUTES: "${{ fromJSON(inputs.environment).canary.stepMinutes }}",
      },
      true,
    ]);
  });

  it("runs E2E after the release, against the environment's URL, where the config asks for it", () => {
    const step = job.steps[e2e]!;
    expect([e2e > release, step.if, step.env?.BASE_URL, runs(step, /^npm run e2e$/m)]).toEqual([true, "fromJSON(inputs.environment).e2e", input("url"), true]);
  });

  it("checks after E2E that the environment still serves the version this run released", () => {
    const check = stepIndex(job, (s) => runs(s, /release-summary\.ts check-serving .*--env "\$ENV_NAME" --version "\$VERSION"/));
    expect([check > e2e, job.steps[check]?.if, job.steps[check]?.env?.VERSION]).toEqual([true, "fromJSON(inputs.environment).e2e", "${{ steps.release.outputs.version }}"]);
  });

  it("rolls back automatically once the release step ran (whatever its outcome) and anything failed, where the config asks for it", () => {
    const step = job.steps.find((s) => s.id === "rollback")!;
    expect([stepIndex(job, (s) => s === step) > release, step.if]).toEqual([
      true,
      "(failure() || cancelled()) && fromJSON(inputs.environment).rollbackOnFailure && steps.preflight.outputs.version != '' " +
        "&& (steps.release.outcome == 'success' || steps.release.outcome == 'failure' || steps.release.outcome == 'cancelled')",
    ]);
  });

  it("rolls back with --json and keeps its summary (before → after, or already in effect) for the notice", () => {
    const step = job.steps.find((s) => s.id === "rollback")!;
    const notices = job.steps.filter((s) => s.name === "Notify rollback" || s.name === "Notify failure");
    expect([
      /npm run --silent rollback -- --env "\$ENV_NAME" --to "\$TARGET" --json .*> (\S+) \|\| code=\$\?/.test(step.run!),
      /release-summary\.ts rollback \S+ --env "\$ENV_NAME" >> "\$GITHUB_OUTPUT"/.test(step.run!),
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
    const conditions = ["Notify rollback", "Notify failure"].map((name) => job.steps.find((s) => s.name === name)?.if);
    expect(conditions).toEqual([
      "(failure() || cancelled()) && steps.rollback.outcome == 'success'",
      "(failure() || cancelled()) && steps.rollback.outcome != 'success'",
    ]);
  });

  it("says in its failure notice which later environments this run now does not deploy", () => {
    const notify = job.steps.find((s) => s.name === "Notify failure")!;
    expect([notify.env?.BLOCKS, notify.run!.includes('note="${note:+$note }This run does not deploy $BLOCKS."')]).toEqual([
      "${{ join(fromJSON(inputs.environment).blocks, ', ') }}",
      true,
    ]);
  });

  it("builds its failure notice from what the steps and the release tools reported, and what the environment serves now", () => {
    const notify = job.steps.find((s) => s.name === "Notify failure")!;
    const now = job.steps.find((s) => s.id === "now");
    expect([
      notify.run!.includes('release-summary.ts deploy-notice --env "$ENV_NAME")'),
      notify.env?.RELEASE_SUMMARY,
      notify.env?.SERVING,
      notify.env?.JOB_STATUS,
      now?.run?.includes('npm run --silent releases -- --env "$ENV_NAME" --json'),
    ]).toEqual([true, "${{ steps.release.outputs.summary }}", "${{ steps.now.outputs.summary }}", "${{ job.status }}", true]);
  });

  it("notifies a cancelled or timed-out run too", () => {
    const notify = job.steps.filter((s) => runs(s, /npm run notify -- --status (failure|rollback)/));
    expect([notify.length, notify.filter((s) => !String(s.if).startsWith("(failure() || cancelled())")).map((s) => s.name)]).toEqual([2, []]);
  });

  it("looks up the failed step on a cancelled or timed-out run too", () => {
    expect(job.steps.find((s) => s.id === "failed")?.if).toBe("failure() || cancelled()");
  });

  it("states nothing about the alias that no step reported", () => {
    const text = job.steps.map((s) => s.run ?? "").join("\n");
    expect(text).not.toMatch(/still serves the previous release|to the previous release:/i);
  });
});

describe("rollback.yml", () => {
  const job = rollback.jobs.rollback!;
  const inputs = (rollback.on.workflow_dispatch as { inputs: Record<string, { type?: string; required?: boolean; options?: string[] }> }).inputs;
  /** The check job, run here as GitHub would with the given input. */
  const check = (name: string) => runJobOutputs(rollback, "environment", ROOT, { ENV_NAME: name });

  it("is started by hand with an environment, an optional target and a reason", () => {
    expect([inputs.environment?.required, inputs.to?.required, inputs.reason?.required]).toEqual([true, false, true]);
  });

  it("takes the environment as text, listing no names (the config has them)", () => {
    expect([inputs.environment?.type, inputs.environment?.options]).toEqual(["string", undefined]);
  });

  it("checks the input against the config before the rollback job starts", () => {
    expect([needsOf(job), rollback.jobs.environment!.steps.find((s) => s.id === "check")?.env?.ENV_NAME]).toEqual([
      ["environment"],
      "${{ inputs.environment }}",
    ]);
  });

  it("accepts an environment of the config, with its entry of npm run environments", () => {
    const env = pipeline.environments.find((e) => e.protected) ?? pipeline.environments[0]!;
    expect(JSON.parse(check(env.name).json!)).toEqual(JSON.parse(JSON.stringify(env)));
  });

  it("refuses an environment the config does not have, naming the ones it has", () => {
    let failure: JobStepFailed | undefined;
    try {
      check("no-such-env-x9");
    } catch (error) {
      if (error instanceof JobStepFailed) failure = error;
    }
    expect(failure?.stderr).toContain(`--env must name a known environment: ${names(pipeline.environments).join(", ")} (got "no-such-env-x9")`);
  });

  it("runs in the environment's rollback GitHub environment (production-rollback for prod: no required reviewers)", () => {
    expect(environmentName(job)).toBe("${{ fromJSON(needs.environment.outputs.json).rollbackGithubEnvironment }}");
  });

  it("gives every protected environment of the config a rollback GitHub environment apart from its deploy's", () => {
    const apart = pipeline.environments.filter((env) => env.protected).map((env) => env.rollbackGithubEnvironment !== env.githubEnvironment);
    expect([apart.length > 0, apart.every(Boolean)]).toEqual([true, true]);
  });

  it("assumes the environment's own role", () => {
    const creds = job.steps.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
    expect(creds?.with?.["role-to-assume"]).toBe("${{ vars[fromJSON(needs.environment.outputs.json).roleVariable] }}");
  });

  it("runs npm run rollback, then notifies", () => {
    const rb = stepIndex(job, (s) => runs(s, /npm run (--silent )?rollback -- "\$\{args\[@\]\}"/));
    const notify = stepIndex(job, (s) => runs(s, /npm run notify -- --status rollback/));
    expect([rb > -1, notify > rb]).toEqual([true, true]);
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

  it("checks every environment of the config, read at run time", () => {
    expect(names(matrixEnvironments(job, environmentsOutputs()))).toEqual(names(pipeline.environments));
  });

  it("plans with -detailed-exitcode", () => {
    expect(job.steps.some((s) => runs(s, /terraform-plan\.sh "\$ENV_NAME" --detailed-exitcode/))).toBe(true);
  });

  it("notifies when it finds drift", () => {
    const notify = job.steps.find((s) => runs(s, /npm run notify -- --status failure/) && s.if === "steps.plan.outputs.drift == 'true'");
    expect(notify).toBeDefined();
  });
});

describe("every workflow", () => {
  it.each([ci, drift].map((wf) => [wf.file, wf] as const))("%s lists the environments with the same job as deploy.yml", (_file, wf) => {
    expect(wf.jobs.environments).toEqual(deploy.jobs.environments);
  });

  /** Every string value of a workflow (comments are not values), as text. */
  const values = (wf: { jobs: unknown; on: unknown; env?: unknown }) => JSON.stringify([wf.on, wf.env, wf.jobs]);
  const configNames = [
    ...new Set(pipeline.environments.flatMap((env) => [env.name, env.githubEnvironment, env.rollbackGithubEnvironment])),
  ];

  it.each([ci, deploy, deployEnvironment, rollback, drift].map((wf) => [wf.file, wf] as const))(
    "%s names no environment or GitHub environment of the config: they come from npm run environments",
    (_file, wf) => {
      expect(configNames.filter((name) => new RegExp(`(?<![\\w/.-])${name}(?![\\w-])`).test(values(wf)))).toEqual([]);
    },
  );
});

