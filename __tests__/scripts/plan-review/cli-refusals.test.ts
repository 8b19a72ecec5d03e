/**
 * The CLI as a process on input it cannot read: exit 1 (never 0, and never 2, which means
 * "protected destruction"), the file named on stderr, no stack trace. A handful of runs: the
 * kinds of refusal (depth and size limits included) are covered in-process by parse.test.ts and malformed.property.test.ts.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { planJson, rc, tempDir } from "./helpers";

const ROOT = join(__dirname, "..", "..", "..");

function planReview(content: string): { status: number | null; stderr: string; file: string } {
  const file = join(tempDir(), "plan.json");
  writeFileSync(file, content);
  const run = spawnSync(process.execPath, ["--require", "tsx/cjs", join(ROOT, "scripts", "plan-review", "cli.ts"), "--plan", `prod-app=${file}`], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return { status: run.status, stderr: run.stderr, file };
}

const DELETE_BUCKET = JSON.stringify(planJson({ resource_changes: [rc("aws_s3_bucket.data", ["delete"])] }));

describe("plan-review refuses, as a process, what it cannot read", () => {
  it.each([
    ["an empty object", "{}", "is not `terraform show -json` plan output"],
    ["a plan Terraform could not finish", JSON.stringify(planJson({ errored: true, resource_changes: [] })), "cannot say what it would destroy"],
    ["a destruction with a second actions key", DELETE_BUCKET.replace('"actions":["delete"]', '"actions":["delete"],"actions":["no-op"]'), 'key "actions" appears twice'],
  ])("exits 1 on %s, naming the file, without a stack trace", (_, content, reason) => {
    const { status, stderr, file } = planReview(content);
    expect({ status, named: stderr.includes(`${file}: `) && stderr.includes(reason), trace: /\n\s+at |RangeError/.test(stderr) }).toEqual({
      status: 1,
      named: true,
      trace: false,
    });
  });
});
