/**
 * What a cancelled, timed-out or failed deploy leaves behind: the tools that write to AWS
 * get the runner's signal (forward-signals.sh), the automatic rollback runs whenever the
 * release step ran, first among the clean-up steps and back to what was live before the run,
 * and an interrupted `cdktf deploy` says how to clear a state lock.
 */
import { allSteps, runs, workflow, type Step } from "./support";

const job = workflow("deploy-environment.yml").jobs.deploy!;
const step = (id: string) => job.steps.find((s) => s.id === id)!;
const index = (s: Step) => job.steps.indexOf(s);
/** Steps that run only when something failed or was cancelled. */
const cleanUp = job.steps.filter((s) => String(s.if ?? "").includes("failure() || cancelled()"));

/** The commands that change AWS and may be mid-way when a step is cancelled. */
const WRITERS = /\b(npm run (--silent )?(sync-assets|release|rollback)\b|npx cdktf deploy\b)/;

describe("commands that write to AWS", () => {
  const writers = allSteps().filter(({ step }) => runs(step, WRITERS));

  it("appear in the deploy and rollback workflows (the check below is not vacuous)", () => {
    expect(new Set(writers.map(({ wf }) => wf.file))).toEqual(new Set(["deploy-environment.yml", "rollback.yml"]));
  });

  it("run through forward-signals.sh, so a cancelled step's SIGINT reaches them", () => {
    const direct = writers.flatMap(({ wf, jobId, step }) =>
      step
        .run!.split("\n")
        .filter((line) => WRITERS.test(line) && !/^\s*(\S+=\S+\s+)*\.github\/scripts\/forward-signals\.sh (npm|npx) /.test(line.replace(/^\s*code=0;?\s*/, "")))
        .map((line) => `${wf.file} › ${jobId} › ${step.name ?? step.id}: ${line.trim()}`),
    );
    expect(direct).toEqual([]);
  });
});

describe("the automatic rollback", () => {
  const rollback = step("rollback");

  it("comes before every other clean-up step (GitHub force-stops a cancelled job after 5 minutes)", () => {
    expect(cleanUp.filter((s) => s !== rollback && index(s) < index(rollback)).map((s) => s.name)).toEqual([
      // Only an echo, and it concerns cdktf deploy, after which no release (and no rollback) runs.
      "Say how to clear a state lock left behind",
    ]);
  });

  it("runs after a failed or cancelled release step too, not only after a successful one", () => {
    expect(["success", "failure", "cancelled"].map((outcome) => String(rollback.if).includes(`steps.release.outcome == '${outcome}'`))).toEqual([true, true, true]);
  });

  it("targets the version the pin pre-flight saw live before this run", () => {
    expect([rollback.env?.TARGET, runs(rollback, /--to "\$TARGET"/), runs(step("preflight"), /release-summary\.ts releases \S+ --env "\$ENV_NAME" >> "\$GITHUB_OUTPUT"/)]).toEqual([
      "${{ steps.preflight.outputs.version }}",
      true,
      true,
    ]);
  });

  it("is skipped when nothing was live before (no target)", () => {
    expect(String(rollback.if)).toContain("steps.preflight.outputs.version != ''");
  });
});

describe("an interrupted cdktf deploy", () => {
  const hint = job.steps.find((s) => s.name === "Say how to clear a state lock left behind")!;

  it("is followed by a step that runs only when the deploy step failed or was cancelled", () => {
    expect([index(hint), hint.if]).toEqual([
      index(step("apply")) + 1,
      "(failure() || cancelled()) && (steps.apply.outcome == 'failure' || steps.apply.outcome == 'cancelled')",
    ]);
  });

  it("says how to clear the lock with terraform force-unlock", () => {
    expect(hint.run).toMatch(/::error::.*doctor.s state-lock check.*force-unlock <ID>/);
  });

  it("adds the state-lock warning to the failure notice", () => {
    const notify = job.steps.find((s) => s.name === "Notify failure")!;
    expect([notify.env?.APPLY, /"\$APPLY" = "cancelled".*force-unlock/.test(notify.run!)]).toEqual(["${{ steps.apply.outcome }}", true]);
  });
});
