/**
 * Timeouts add up. A job's `timeout-minutes` cancels the whole job, clean-up steps included
 * (rollback, notices), so wherever steps carry their own timeouts the job's must be at least
 * their sum: then a hung step fails by its own timeout and the steps after it still run. Jobs
 * that act on AWS bound every step, and their AWS session outlasts the steps that follow the
 * role assumption.
 */
import { allJobs, usesAction, type Job } from "./support";

const where = (file: string, id: string) => `${file} › ${id}`;
const stepMinutes = (job: Job) => job.steps.map((s) => s["timeout-minutes"]);
const sum = (values: readonly (number | undefined)[]) => values.reduce<number>((total, v) => total + (v ?? Number.NaN), 0);

/** Jobs with at least one step timeout: their steps are meant to be bounded one by one. */
const bounded = allJobs().filter(({ job }) => stepMinutes(job).some((m) => m !== undefined));
const awsJobs = allJobs().filter(({ job }) => usesAction(job, "aws-actions/configure-aws-credentials"));

/** configure-aws-credentials' session when role-duration-seconds is not given (its README: one hour). */
const DEFAULT_SESSION_SECONDS = 3600;

describe("job and step timeouts", () => {
  it("are set step by step in every job that acts on AWS", () => {
    const unbounded = awsJobs.filter(({ job }) => stepMinutes(job).some((m) => typeof m !== "number"));
    expect([awsJobs.length >= 4, unbounded.map(({ wf, id }) => where(wf.file, id))]).toEqual([true, []]);
  });

  it("cover every step of a job once any step of it has one", () => {
    const partial = bounded.flatMap(({ wf, id, job }) =>
      job.steps.filter((s) => typeof s["timeout-minutes"] !== "number").map((s) => `${where(wf.file, id)} › ${s.name ?? s.uses ?? s.run}`),
    );
    expect(partial).toEqual([]);
  });

  it.each(bounded.map(({ wf, id, job }) => [where(wf.file, id), job] as const))("%s: the job's timeout is at least the sum of its steps'", (_name, job) => {
    expect(job["timeout-minutes"]).toBeGreaterThanOrEqual(sum(stepMinutes(job)));
  });

  it("stay within the 6 hours a GitHub-hosted job may run", () => {
    expect(allJobs().filter(({ job }) => (job["timeout-minutes"] ?? 360) > 360).map(({ wf, id }) => where(wf.file, id))).toEqual([]);
  });
});

describe("AWS sessions", () => {
  it.each(awsJobs.map(({ wf, id, job }) => [where(wf.file, id), job] as const))(
    "%s: the session outlasts every step from the role assumption on",
    (_name, job) => {
      const at = job.steps.findIndex((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
      const creds = job.steps[at]!;
      const seconds = creds.with?.["role-duration-seconds"] === undefined ? DEFAULT_SESSION_SECONDS : Number(creds.with["role-duration-seconds"]);
      expect(seconds).toBeGreaterThanOrEqual(sum(stepMinutes({ ...job, steps: job.steps.slice(at) })) * 60);
    },
  );

  it("ask for no more than the 12 hours a role session can last (900–43200 s, the action's README)", () => {
    const asked = awsJobs.flatMap(({ job }) => job.steps.map((s) => s.with?.["role-duration-seconds"]).filter((v) => v !== undefined).map(Number));
    expect([asked.length > 0, asked.filter((s) => !(s >= 900 && s <= 43_200))]).toEqual([true, []]);
  });
});
