import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../../../lib/errors";
import { planReview, type PlanReviewIo } from "../../../scripts/plan-review/cli";
import { fixture, tempDir } from "./helpers";

const ROOT = join(__dirname, "..", "..", "..");
const DESTROY = fixture("snyk__cli__tf-plan-destroy.json"); // deletes aws_s3_bucket.terra_ci
const CREATE = fixture("bridgecrewio__checkov__plan_with_utf_16_encoding.json");

function io(): PlanReviewIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (l) => err.push(l), env: process.env };
}

async function run(argv: string[]): Promise<{ code: number; out: string; err: string[] }> {
  const cli = io();
  const code = await planReview(argv, cli);
  return { code, out: cli.out.join(""), err: cli.err };
}

async function userError(argv: string[]): Promise<UserError> {
  try {
    await planReview(argv, io());
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error("expected a UserError");
}

describe("plan-review CLI", () => {
  it("returns 2 when prod (protected by its config) would lose a bucket", async () => {
    expect((await run(["--plan", `prod-app=${DESTROY}`])).code).toBe(2);
  });

  it("returns 0 for the same plan in an environment that is not protected", async () => {
    expect((await run(["--plan", `dev-app=${DESTROY}`])).code).toBe(0);
  });

  it("returns 0 with --allow-destroy", async () => {
    expect((await run(["--plan", `prod-app=${DESTROY}`, "--allow-destroy"])).code).toBe(0);
  });

  it("protects only the environments given with --protect-envs", async () => {
    expect((await run(["--plan", `prod-app=${DESTROY}`, "--protect-envs", "staging"])).code).toBe(0);
  });

  it("protects nothing with an empty --protect-envs", async () => {
    expect((await run(["--plan", `prod-app=${DESTROY}`, "--protect-envs", ""])).code).toBe(0);
  });

  it("uses --protect-types instead of the default types", async () => {
    expect((await run(["--plan", `prod-app=${DESTROY}`, "--protect-types", "aws_iam_role,aws_sfn_state_machine"])).code).toBe(2);
  });

  it("writes the markdown report to stdout", async () => {
    expect((await run(["--plan", `dev-app=${CREATE}`])).out).toMatch(/^## Plan review\n/);
  });

  it("states the verdict on stderr", async () => {
    expect((await run(["--plan", `dev-app=${CREATE}`])).err).toContain("plan-review: No protected resources would be destroyed.");
  });

  it("writes text with --format text", async () => {
    expect((await run(["--plan", `dev-app=${CREATE}`, "--format", "text"])).out).toMatch(/^PLAN REVIEW: /);
  });

  describe("with --out and a small --max-chars", () => {
    const out = join(tempDir(), "reports", "plan-review.md");
    const plans = ["dev", "staging", "prod"].flatMap((env) => ["--plan", `${env}-app=${fixture("terraform-compliance__cli__test_issue_522.json")}`]);
    let stdout = "";
    let renderedInFull = "";
    beforeAll(async () => {
      stdout = (await run([...plans, "--max-chars", "2000", "--out", out])).out;
      renderedInFull = (await run([...plans, "--max-chars", "1000000"])).out;
    });

    it("cuts stdout to --max-chars", () => {
      expect(stdout.length).toBeLessThanOrEqual(2000);
    });

    it("writes the untruncated report to --out", () => {
      expect(readFileSync(out, "utf8")).toBe(renderedInFull);
    });

    it("names the --out file in the truncation notice", () => {
      expect(stdout).toContain(`The full report is in \`${out}\``);
    });
  });

  it("writes the same JSON to stdout and --out", async () => {
    const out = join(tempDir(), "plan-review.json");
    const result = await run(["--plan", `dev-app=${CREATE}`, "--format", "json", "--out", out]);
    expect(readFileSync(out, "utf8")).toBe(result.out);
  });

  it("prints usage with --help", async () => {
    expect((await run(["--help"])).out).toMatch(/^Usage: npm run plan-review -- /);
  });
});

describe("plan-review CLI input errors (exit 1)", () => {
  it.each([
    ["a --plan without '='", ["--plan", "prod-app"], /^--plan must look like <stack-id>=<plan\.json>/],
    ["a --plan without a file", ["--plan", "prod-app="], /^--plan must look like <stack-id>=<plan\.json>/],
    ["a --plan with an empty stack id", ["--plan", `=${CREATE}`], /^--plan must look like <stack-id>=<plan\.json>/],
    ["the same stack twice", ["--plan", `dev-app=${CREATE}`, "--plan", `dev-app=${DESTROY}`], /^--plan: stack dev-app is given twice/],
    ["--plan together with --dir", ["--plan", `dev-app=${CREATE}`, "--dir", "cdktf.out"], /^use either --plan or --dir, not both/],
    ["--run without --dir", ["--run"], /^--run needs --dir/],
    ["no input at all", [], /^give plans with --plan/],
    ["an unknown flag", ["--plans", `dev-app=${CREATE}`], /^unknown option '--plans'\n\(Did you mean --plan\?\)/],
    ["an unknown format", ["--plan", `dev-app=${CREATE}`, "--format", "html"], /^--format must be one of markdown, text, json \(got "html"\)/],
    ["a --max-chars below the minimum", ["--plan", `dev-app=${CREATE}`, "--max-chars", "100"], /^--max-chars must be a whole number of at least 2000 \(got "100"\)/],
    ["an unknown --protect-envs name", ["--plan", `prod-app=${CREATE}`, "--protect-envs", "prd"], /^--protect-envs: unknown environment "prd"/],
    ["a --protect-types entry that is not a type", ["--plan", `prod-app=${CREATE}`, "--protect-types", "S3 Bucket"], /^--protect-types must list Terraform resource types \(e\.g\. aws_s3_bucket\), not "S3 Bucket"/],
    ["a missing plan file", ["--plan", "prod-app=missing.json"], /^missing\.json: cannot read plan file \(no such file\)$/],
  ])("rejects %s", async (_, argv, message) => {
    const error = await userError(argv);
    expect([error.exitCode, error.message]).toEqual([1, expect.stringMatching(message)]);
  });
});

describe("plan-review as a process", () => {
  // As `npm run plan-review` runs it.
  const cli = (args: string[]) =>
    spawnSync(process.execPath, ["--require", "tsx/cjs", join(ROOT, "scripts", "plan-review", "cli.ts"), ...args], {
      cwd: ROOT,
      encoding: "utf8",
    });

  it("exits 2 for protected destruction and still prints the report", () => {
    const result = cli(["--plan", `prod-app=${DESTROY}`]);
    expect([result.status, result.stdout.startsWith("## Plan review")]).toEqual([2, true]);
  });

  it("exits 0 when the destruction is allowed", () => {
    expect(cli(["--plan", `prod-app=${DESTROY}`, "--allow-destroy"]).status).toBe(0);
  });

  it("exits 1 for invalid input, naming the file, without a stack trace", () => {
    const result = cli(["--plan", "prod-app=missing.json"]);
    expect([result.status, result.stderr]).toEqual([1, "error: missing.json: cannot read plan file (no such file)\n"]);
  });
});
