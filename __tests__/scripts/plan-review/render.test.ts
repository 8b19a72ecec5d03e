import { generatePlan } from "../../../bench/plan-review/generate";
import { parsePlanText, readPlanFile } from "../../../scripts/plan-review/parse";
import { renderJson } from "../../../scripts/plan-review/render-json";
import { DEFAULT_MAX_CHARS, renderMarkdown } from "../../../scripts/plan-review/render-markdown";
import { renderText } from "../../../scripts/plan-review/render-text";
import { DEFAULT_PROTECTED_TYPES, summarize, type Review } from "../../../scripts/plan-review/summarize";
import { fixture, rc, reviewOf } from "./helpers";

const FORMATS: readonly [string, (review: Review) => string][] = [
  ["markdown", (review) => renderMarkdown(review, { maxChars: Infinity }).markdown],
  ["text", renderText],
  ["json", renderJson],
];

// Reviews are built inside each test, not when the file loads: mutation testing (per-test
// coverage, docs/mutation-testing.md) can then run only the tests that reach a mutant.
const OPTIONS = { protectEnvs: ["prod"], protectTypes: [...DEFAULT_PROTECTED_TYPES], allowDestroy: false, envOrder: ["dev", "staging", "prod"] };

describe("sensitive values", () => {
  const SECRETS = ["s3cr3t-db-password", "AKIAEXAMPLESECRET", "super-sensitive-output", "old-secret-value"];
  const synthetic = () =>
    reviewOf({
    "prod-app": {
      variables: { db_password: { value: SECRETS[0] } },
      resource_changes: [
        rc(
          "aws_db_instance.main",
          ["delete", "create"],
          { action_reason: "replace_because_cannot_update" },
          {
            before: { password: SECRETS[3], username: "admin" },
            after: { password: SECRETS[0], username: "admin" },
            before_sensitive: { password: true },
            after_sensitive: { password: true },
            replace_paths: [["password"]],
          },
        ),
        rc("aws_iam_access_key.ci", ["create"], {}, { after: { secret: SECRETS[1] }, after_sensitive: { secret: true } }),
      ],
      resource_drift: [rc("aws_ssm_parameter.p", ["update"], {}, { before: { value: SECRETS[3] }, after: { value: SECRETS[1] } })],
      output_changes: {
        token: { actions: ["update"], before: SECRETS[3], after: SECRETS[2], before_sensitive: true, after_sensitive: true },
        plain: { actions: ["create"], before: null, after: "visible-but-never-printed", before_sensitive: false, after_sensitive: false },
      },
      prior_state: { values: { outputs: { token: { sensitive: true, value: SECRETS[3] } } } },
    },
  });
  const fixtureReview = () =>
    summarize([{ stackId: "prod-app", parsed: readPlanFile(fixture("hashicorp__terraform__show-json-sensitive-values.json")) }], OPTIONS);

  it.each(FORMATS)("never appear in %s output for the sensitive-values fixture", (_, render) => {
    expect(render(fixtureReview())).not.toContain("boop");
  });

  it.each(FORMATS)("never appear in %s output for a synthetic plan", (_, render) => {
    const output = render(synthetic());
    expect(SECRETS.filter((secret) => output.includes(secret))).toEqual([]);
  });

  it.each(FORMATS)("include no output value at all in %s output, sensitive or not", (_, render) => {
    expect(render(synthetic())).not.toContain("visible-but-never-printed");
  });

  it("marks a sensitive output as sensitive in the markdown", () => {
    expect(renderMarkdown(synthetic(), { maxChars: Infinity }).markdown).toContain("| prod | app | `token` | update (sensitive) |");
  });
});

describe("markdown report", () => {
  const review = () =>
    reviewOf({
    "prod-app": {
      resource_changes: [
        rc("aws_dynamodb_table.sessions", ["delete", "create"], { action_reason: "replace_because_cannot_update" }, { replace_paths: [["hash_key"]] }),
        rc("aws_lambda_function.ssr", ["create", "delete"], { action_reason: "replace_because_tainted" }),
        rc("aws_iam_role.old", ["delete"], { action_reason: "delete_because_no_resource_config" }),
        rc("aws_s3_bucket.new", ["create"]),
        rc('aws_route53_record.r["a|b"]', ["update"]),
      ],
    },
    "dev-app": { resource_changes: [rc("aws_s3_bucket.new", ["create"])] },
  });
  const markdown = () => renderMarkdown(review(), { maxChars: DEFAULT_MAX_CHARS }).markdown;

  it("states the blocking verdict first", () => {
    expect(markdown().split("\n")[2]).toMatch(/^⛔ \*\*1 protected resource would be destroyed in protected environment prod\./);
  });

  it("has one summary row per stack plus totals", () => {
    expect(markdown()).toContain("| dev | app | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n| prod | app | 1 | 1 | 2 | 1 | 0 | 0 | 0 | 0 | 0 | 0 |\n| **total** |  | 2 | 1 | 2 | 1 |");
  });

  it("puts protected destruction before other replacements and deletions", () => {
    const text = markdown();
    const order = ["### Summary", "### Protected destruction", "### Other replacements", "### Other deletions"].map((h) => text.indexOf(h));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it("shows a protected replace with its reason, paths omitted and the gate", () => {
    expect(markdown()).toContain(
      "| prod | app | `aws_dynamodb_table.sessions` | replace (delete, then create) | `replace_because_cannot_update` | **BLOCKS** |",
    );
  });

  it("shows other replacements with their order, reason and replace paths", () => {
    expect(markdown()).toContain("| prod | app | `aws_lambda_function.ssr` | replace (create, then delete) | `replace_because_tainted` |  |");
  });

  it("escapes a pipe inside an address so the table row stays intact", () => {
    expect(markdown()).toContain('`aws_route53_record.r["a\\|b"]`');
  });

  it("is not truncated when it fits", () => {
    expect(renderMarkdown(review(), { maxChars: DEFAULT_MAX_CHARS }).truncated).toBe(false);
  });

  it("says when nothing protected is destroyed", () => {
    const clean = reviewOf({ "prod-app": { resource_changes: [rc("aws_s3_bucket.new", ["create"])] } });
    expect(renderMarkdown(clean, { maxChars: DEFAULT_MAX_CHARS }).markdown).toContain("✅ **No protected resources would be destroyed.**");
  });

  it("says a blocking destruction is allowed under --allow-destroy", () => {
    const allowed = reviewOf({ "prod-app": { resource_changes: [rc("aws_s3_bucket.b", ["delete"])] } }, { allowDestroy: true });
    expect(renderMarkdown(allowed, { maxChars: DEFAULT_MAX_CHARS }).markdown).toContain("allowed by --allow-destroy.**");
  });
});

describe("markdown truncation", () => {
  const large = () => summarize([{ stackId: "prod-app", parsed: parsePlanText(JSON.stringify(generatePlan({ resourceChanges: 2_000, seed: 7 })), "large.json") }], OPTIONS);
  const maxChars = 5_000;
  const cut = () => renderMarkdown(large(), { maxChars, fullReportPath: "plan-review.md" });

  it("stays within --max-chars", () => {
    expect(cut().markdown.length).toBeLessThanOrEqual(maxChars);
  });

  it("says it was truncated", () => {
    expect(cut().truncated).toBe(true);
  });

  it("keeps the summary table", () => {
    expect(cut().markdown).toContain("| prod | app |");
  });

  it("shows protected destruction before anything else is cut", () => {
    expect(cut().markdown).toContain("### Protected destruction");
  });

  it("names what was cut, with counts", () => {
    expect(cut().markdown).toMatch(/Not shown: \d[\d,]* of [\d,]+ rows of Protected destruction; all [\d,]+ rows of Other replacements/);
  });

  it("points to the full report written by --out", () => {
    expect(cut().markdown).toContain("The full report is in `plan-review.md`");
  });

  it("tells the reader how to get the full report when --out is not given", () => {
    expect(renderMarkdown(large(), { maxChars }).markdown).toContain("Run plan-review with `--out <file>` to write the full report.");
  });

  it("lists every section it cut in the result", () => {
    expect(cut().omitted.map((o) => o.title)).toContain("Creates, updates and reads");
  });

  it("keeps the last row of the last section in the full report", () => {
    const review = large();
    const others = review.stacks[0].changes.filter((c) => c.kind === "create" || c.kind === "update" || c.kind === "read");
    expect(renderMarkdown(review, { maxChars: Infinity }).markdown.trimEnd().split("\n").at(-3)).toContain(`\`${others[others.length - 1].address}\``);
  });

  it("stays within a limit that cuts the summary table itself", () => {
    const many = reviewOf(
      Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`env${i}-app`, { resource_changes: [rc("aws_s3_bucket.b", ["delete"])] }])),
    );
    expect(renderMarkdown(many, { maxChars: 2_000 }).markdown.length).toBeLessThanOrEqual(2_000);
  });
});

describe("text report", () => {
  const review = () => reviewOf({ "prod-app": { resource_changes: [rc("aws_s3_bucket.b", ["delete"]), rc("aws_iam_role.r", ["create"])] } });

  it("starts with the verdict", () => {
    expect(renderText(review()).split("\n")[0]).toMatch(/^PLAN REVIEW: 1 protected resource would be destroyed/);
  });

  it("aligns the summary columns", () => {
    expect(renderText(review())).toContain("env   stack  create  update  replace  delete  read  no-op  forget  import  move  drift\nprod  app         1       0        0       1");
  });

  it("lists the protected deletion with its gate", () => {
    expect(renderText(review())).toMatch(/prod\s+app\s+aws_s3_bucket\.b\s+delete\s+BLOCKS/);
  });
});

describe("a plan that cannot be reviewed", () => {
  const review = () => reviewOf({ "prod-app": { errored: true, resource_changes: [rc("aws_s3_bucket.b", ["delete"])] } });

  it("leads the markdown comment with the refusal, not a destruction count", () => {
    expect(renderMarkdown(review(), { maxChars: DEFAULT_MAX_CHARS }).markdown.split("\n")[2]).toMatch(
      /^⛔ \*\*prod-app plan prod-app\.json: Terraform stopped with errors while planning .* this check fails \(exit 1\)/,
    );
  });

  it("carries verdict unreviewable, exit code 1 and the reason per stack in the JSON report (version 2)", () => {
    const report = JSON.parse(renderJson(review()));
    expect([report.reportVersion, report.verdict, report.exitCode, report.stacks[0].unreviewable]).toEqual([
      2,
      "unreviewable",
      1,
      expect.stringMatching(/^Terraform stopped with errors/),
    ]);
  });
});

describe("json report", () => {
  const review = () =>
    reviewOf({
    "prod-app": { resource_changes: [rc("aws_s3_bucket.b", ["delete"]), rc("aws_iam_role.r", ["create", "delete"], {}, { replace_paths: [["name"]] })] },
  });
  const report = () => JSON.parse(renderJson(review()));

  it("is one line", () => {
    expect(renderJson(review()).trimEnd().split("\n")).toHaveLength(1);
  });

  it("carries the verdict and exit code", () => {
    expect([report().verdict, report().exitCode]).toEqual(["blocked", 2]);
  });

  it("lists protected destruction with its stack and gate", () => {
    expect(report().protectedDestruction).toEqual([
      { stack: "prod-app", env: "prod", address: "aws_s3_bucket.b", type: "aws_s3_bucket", action: "delete", blocking: true },
    ]);
  });

  it("describes each change by address, action and paths", () => {
    expect(report().stacks[0].changes[0]).toEqual({
      address: "aws_iam_role.r",
      type: "aws_iam_role",
      mode: "managed",
      action: "replace",
      replaceOrder: "create-then-delete",
      destroys: true,
      replacePaths: ["name"],
    });
  });
});
