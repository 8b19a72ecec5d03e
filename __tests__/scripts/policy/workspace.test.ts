import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { App } from "cdktf";
import fs from "node:fs";
import { PrivateBucket } from "../../../modules/private-bucket";
import { readPolicy } from "../../../scripts/policy/iam";
import { loadWorkspace } from "../../../scripts/policy/workspace";
import { awsStack } from "./support";
import { thrownUserError as thrown } from "../../support/user-error";
import { tempDir } from "../../support/temp-dir";

/** A synthesis directory (kept on disk, as `npm run synth` leaves it) with one stack. */
function synthDir(stackId: string, build: (stack: ReturnType<typeof awsStack>) => void): string {
  const outdir = tempDir("policy-dir-");
  const app = new App({ outdir, stackTraces: false });
  build(awsStack(app, stackId));
  app.synth();
  return outdir;
}

describe("loadWorkspace", () => {
  const app = synthDir("dev-app", (s) => new PrivateBucket(s, "Data", { bucketName: "first-bucket" }));
  const bootstrap = synthDir("state-bootstrap", (s) => new S3Bucket(s, "State", { bucket: "second-bucket" }));
  afterAll(() => [app, bootstrap].forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  it("reads the stacks of several synthesis directories", () => {
    expect(loadWorkspace([app, bootstrap]).stacks.map((s) => s.id)).toEqual(["dev-app", "state-bootstrap"]);
  });

  it("reads a bucket policy through the aws_iam_policy_document it refers to", () => {
    const stack = loadWorkspace([app]).stacks[0];
    const read = readPolicy(stack, stack.resourcesOfType("aws_s3_bucket_policy")[0].config.policy);
    expect(read.ok && read.statements.map((s) => [s.sid, s.effect, s.actions])).toEqual([["DenyInsecureTransport", "Deny", ["s3:*"]]]);
  });

  it("tells the user to synthesize when a directory has no manifest", () => {
    const empty = tempDir("policy-empty-");
    const error = thrown(() => loadWorkspace([empty]));
    expect([error.exitCode, error.message]).toEqual([1, expect.stringMatching(/no manifest\.json .*run `npm run synth` first/)]);
  });

  it("refuses the same stack id from two directories", () => {
    expect(() => loadWorkspace([app, app])).toThrow(`stack dev-app appears in both ${app} and ${app}`);
  });
});
