/**
 * Which role each job assumes, and that a missing role variable stops the job with its name
 * (.github/scripts/check-role.ts) instead of a vague STS error or a silent fallback.
 */
import { checkRoleVariable, main } from "../../.github/scripts/check-role";
import { allJobs, environmentName, usesAction, type Job, type Step } from "./support";

const awsJobs = allJobs().filter(({ job }) => usesAction(job, "aws-actions/configure-aws-credentials"));
const where = (file: string, id: string) => `${file} › ${id}`;
const credentialsStep = (job: Job) => job.steps.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"))!;
const roleOf = (job: Job) => String(credentialsStep(job).with?.["role-to-assume"]);
const checkStep = (job: Job): Step | undefined => job.steps.find((s) => /\.github\/scripts\/check-role\.ts/.test(s.run ?? ""));

describe("role assumptions", () => {
  it("assume only the plan role in jobs without a GitHub environment (pull-request plans, drift), with no fallback", () => {
    const outside = awsJobs.filter(({ job }) => environmentName(job) === undefined);
    expect([outside.map(({ wf, id }) => where(wf.file, id)).sort(), outside.filter(({ job }) => !/^\$\{\{ vars\[[\w.()]+\.planRoleVariable\] \}\}$/.test(roleOf(job))).length]).toEqual([
      ["ci.yml › plan", "drift.yml › drift"],
      0,
    ]);
  });

  it("assume the deploy role only in jobs that run in a GitHub environment (whose OIDC subject it trusts)", () => {
    const deployRole = awsJobs.filter(({ job }) => /\.roleVariable\] \}\}$/.test(roleOf(job)));
    expect(deployRole.filter(({ job }) => environmentName(job) === undefined).map(({ wf, id }) => where(wf.file, id))).toEqual([]);
  });

  it.each(awsJobs.map(({ wf, id, job }) => [where(wf.file, id), job] as const))("%s checks its role variable before asking for credentials", (_name, job) => {
    const check = checkStep(job);
    expect([check !== undefined && job.steps.indexOf(check) < job.steps.indexOf(credentialsStep(job)), check?.env?.ROLE_ARN]).toEqual([true, roleOf(job)]);
  });

  it.each(awsJobs.map(({ wf, id, job }) => [where(wf.file, id), job] as const))("%s names the same variable and account in the check as in the assumption", (_name, job) => {
    const env = checkStep(job)!.env!;
    const with_ = credentialsStep(job).with!;
    expect([`\${{ vars[${String(env.VARIABLE).slice(4, -3)}] }}`, env.ACCOUNT]).toEqual([with_["role-to-assume"], with_["allowed-account-ids"]]);
  });
});

describe("check-role.ts", () => {
  const input = { variable: "AWS_PLAN_ROLE_ARN_DEV", account: "111111111111", env: "dev" };

  it("fails an unset variable, naming it and where to set it", () => {
    expect(checkRoleVariable({ ...input, value: "" })).toEqual({
      ok: false,
      message: expect.stringMatching(/^repository variable AWS_PLAN_ROLE_ARN_DEV is not set: .*Settings → Secrets and variables → Actions → Variables/),
    });
  });

  it("fails a value that is not an IAM role ARN, showing it", () => {
    expect(checkRoleVariable({ ...input, value: "my-role" }).message).toMatch(/is "my-role", not an IAM role ARN \(arn:aws:iam::111111111111:role\/<name>\)/);
  });

  it("fails a role in another account, naming both accounts", () => {
    expect(checkRoleVariable({ ...input, value: "arn:aws:iam::222222222222:role/plan" }).message).toMatch(
      /names a role in account 222222222222, but environments\/dev\.ts deploys dev into account 111111111111/,
    );
  });

  it("accepts a role ARN of the environment's account, with a path", () => {
    expect(checkRoleVariable({ ...input, value: "arn:aws:iam::111111111111:role/ci/plan-dev" }).ok).toBe(true);
  });

  it("exits 1 with an ::error:: annotation when the variable is unset", async () => {
    let out = "";
    const code = await main(["--variable", "AWS_ROLE_ARN_DEV", "--account", "111111111111", "--env", "dev"], {}, (text) => (out += text));
    expect([code, out]).toEqual([1, expect.stringMatching(/^::error::repository variable AWS_ROLE_ARN_DEV is not set/)]);
  });

  it("exits 0 for a good value", async () => {
    const code = await main(["--variable", "AWS_ROLE_ARN_DEV", "--account", "111111111111", "--env", "dev"], { ROLE_ARN: "arn:aws:iam::111111111111:role/deploy" }, () => {});
    expect(code).toBe(0);
  });

  it("refuses a malformed account id as a usage error", async () => {
    await expect(main(["--variable", "AWS_ROLE_ARN_DEV", "--account", "1111", "--env", "dev"], {}, () => {})).rejects.toMatchObject({ exitCode: 2 });
  });
});
