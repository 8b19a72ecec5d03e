import { App } from "cdktf";

import { loadEnvironments } from "../../environments";
import { StateBootstrapStack, stateBucketGroups } from "../../stacks/state-bootstrap-stack";
import { onlyResource, readSynthesizedApp, resourcesOfType, type StackJson } from "../support/synth";
import { tempDir } from "../support/temp-dir";

const environments = loadEnvironments();
const outdir = tempDir("bootstrap-");
const app = new App({ outdir, stackTraces: false });
for (const group of stateBucketGroups(environments)) new StateBootstrapStack(app, `state-${group.bucket}`, group);
app.synth();
const { stacks } = readSynthesizedApp(outdir);
const prodState = stacks["state-acme-web-tfstate-333333333333"];

describe("stateBucketGroups", () => {
  it("makes one group per distinct state bucket", () => {
    const [dev] = environments;
    const shared = { ...dev, name: "qa", state: { ...dev.state } };
    expect(stateBucketGroups([dev, shared]).map((g) => g.environments)).toEqual([["dev", "qa"]]);
  });
});

describe("StateBootstrapStack", () => {
  it("creates one stack per state bucket of the shipped environments", () => {
    expect(Object.keys(stacks).sort()).toEqual([
      "state-acme-web-tfstate-111111111111",
      "state-acme-web-tfstate-222222222222",
      "state-acme-web-tfstate-333333333333",
    ]);
  });

  it("keeps its own state locally, since the bucket cannot hold it yet", () => {
    expect(Object.keys(prodState.terraform.backend)).toEqual(["local"]);
  });

  it("versions the state bucket", () => {
    expect(onlyResource(prodState, "aws_s3_bucket_versioning").versioning_configuration).toEqual({ status: "Enabled" });
  });

  it("refuses to destroy the state bucket", () => {
    expect(onlyResource(prodState, "aws_s3_bucket").lifecycle).toEqual({ prevent_destroy: true });
  });

  it("blocks public access, encrypts, and denies non-TLS requests", () => {
    const statements = Object.values(prodState.data.aws_iam_policy_document).flatMap((d) => (d as StackJson).statement);
    expect([
      onlyResource(prodState, "aws_s3_bucket_public_access_block").restrict_public_buckets,
      onlyResource(prodState, "aws_s3_bucket_server_side_encryption_configuration").rule[0].apply_server_side_encryption_by_default.sse_algorithm,
      statements.map((s: StackJson) => s.sid),
    ]).toEqual([true, "AES256", ["DenyInsecureTransport"]]);
  });

  it("creates the DynamoDB lock table only where one is configured", () => {
    expect([
      resourcesOfType(prodState, "aws_dynamodb_table").map((t) => [t.name, t.hash_key]),
      resourcesOfType(stacks["state-acme-web-tfstate-111111111111"], "aws_dynamodb_table"),
    ]).toEqual([[["acme-web-tfstate-lock", "LockID"]], []]);
  });
});
