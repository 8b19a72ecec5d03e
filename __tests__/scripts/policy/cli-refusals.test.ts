/**
 * `npm run policy` as a process on stack files it cannot read: exit 1 (never "PASSED"), the
 * stack file named on stderr, no stack trace. A handful of runs: the kinds of refusal are
 * covered in-process by stack-file.test.ts and stack-file.property.test.ts.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { tempDir } from "../../support/temp-dir";

const ROOT = path.resolve(__dirname, "../../..");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");

function policyOn(stack: string): { status: number | null; stderr: string; file: string } {
  const dir = tempDir("policy-refusal-");
  const file = path.join(dir, "stacks", "dev-app", "cdk.tf.json");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify({ stacks: { "dev-app": { synthesizedStackPath: "stacks/dev-app/cdk.tf.json" } } }));
  fs.writeFileSync(file, stack);
  const run = spawnSync(TSX, ["scripts/policy/cli.ts", "--dir", dir], { cwd: ROOT, encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
  return { status: run.status, stderr: run.stderr, file };
}

describe("policy refuses, as a process, stack files it cannot read", () => {
  it.each([
    ["null", "null", "expected an object of Terraform blocks, got null"],
    ["100,000 levels of nesting", `{"resource": ${"[".repeat(100_000)}${"]".repeat(100_000)}}`, "nested more than 512 levels deep"],
  ])("exits 1 on %s, naming the file, without a stack trace", (_, stack, reason) => {
    const { status, stderr, file } = policyOn(stack);
    expect({ status, named: stderr.includes(`${file}: `) && stderr.includes(reason), trace: /\n\s+at |RangeError|PASSED/.test(stderr) }).toEqual({
      status: 1,
      named: true,
      trace: false,
    });
  });
});
