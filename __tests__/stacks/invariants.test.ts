/**
 * Properties that must hold in every synthesized stack of every shipped environment,
 * whatever construct produced the resource.
 */
import { loadEnvironments } from "../../environments";
import { STANDARD_TAG_KEYS, standardTags } from "../../lib/tags";
import { resourcesOfType, synthesizeApp, type StackJson } from "../support/synth";

const environments = loadEnvironments();
const { stacks } = synthesizeApp(environments);
const everyStack = Object.entries(stacks);

/** `${aws_s3_bucket.X.id}` → `X`, for matching bucket sub-resources to their bucket. */
function bucketRef(value: unknown): string | undefined {
  return typeof value === "string" ? /^\$\{aws_s3_bucket\.([^.]+)\.(id|bucket)\}$/.exec(value)?.[1] : undefined;
}

function namesOf(stack: StackJson, type: string): string[] {
  return Object.keys(stack.resource?.[type] ?? {});
}

describe.each(everyStack)("stack %s", (id, stack) => {
  it("blocks all public access to every bucket", () => {
    const blocked = Object.values(stack.resource?.aws_s3_bucket_public_access_block ?? {})
      .filter((b) => {
        const block = b as StackJson;
        return block.block_public_acls && block.block_public_policy && block.ignore_public_acls && block.restrict_public_buckets;
      })
      .map((b) => bucketRef((b as StackJson).bucket));
    expect(blocked.sort()).toEqual(namesOf(stack, "aws_s3_bucket").sort());
  });

  it("encrypts every bucket", () => {
    const encrypted = resourcesOfType(stack, "aws_s3_bucket_server_side_encryption_configuration")
      .filter((c) => c.rule?.[0]?.apply_server_side_encryption_by_default?.sse_algorithm)
      .map((c) => bucketRef(c.bucket));
    expect(encrypted.sort()).toEqual(namesOf(stack, "aws_s3_bucket").sort());
  });

  it("aborts incomplete multipart uploads in every bucket, whatever their key", () => {
    const aborting = resourcesOfType(stack, "aws_s3_bucket_lifecycle_configuration")
      .filter((c) =>
        (c.rule as StackJson[]).some(
          (r) => r.status === "Enabled" && r.filter?.[0]?.prefix === "" && r.abort_incomplete_multipart_upload?.[0]?.days_after_initiation >= 1,
        ),
      )
      .map((c) => bucketRef(c.bucket));
    expect(aborting.sort()).toEqual(namesOf(stack, "aws_s3_bucket").sort());
  });

  it("forces HTTPS on every CloudFront behaviour", () => {
    const policies = resourcesOfType(stack, "aws_cloudfront_distribution").flatMap((d) =>
      [d.default_cache_behavior, ...(d.ordered_cache_behavior ?? [])].map((b: StackJson) => b.viewer_protocol_policy),
    );
    expect(policies.filter((p) => p !== "redirect-to-https" && p !== "https-only")).toEqual([]);
  });

  it("requires TLS 1.2 (2021) or newer on every distribution", () => {
    const versions = resourcesOfType(stack, "aws_cloudfront_distribution").map(
      (d) => d.viewer_certificate.minimum_protocol_version,
    );
    expect(versions.filter((v) => v !== "TLSv1.2_2021" && v !== "TLSv1.3_2025")).toEqual([]);
  });

  it("leaves every Lambda alias's version and weights to release tooling", () => {
    const ignored = resourcesOfType(stack, "aws_lambda_alias").map((a) => a.lifecycle?.ignore_changes ?? []);
    expect(ignored.filter((list) => !(list.includes("function_version") && list.includes("routing_config")))).toEqual([]);
  });

  it("keeps logs for a limited time in every log group", () => {
    expect(resourcesOfType(stack, "aws_cloudwatch_log_group").filter((g) => !(g.retention_in_days > 0))).toEqual([]);
  });

  it("tags every resource with the standard tags of its environment through every provider", () => {
    const env = environments.find((e) => id.startsWith(`${e.name}-`));
    const expected = Object.fromEntries(STANDARD_TAG_KEYS.map((key) => [key, standardTags(env!)[key]]));
    const providers = stack.provider.aws as StackJson[];
    expect(providers.map((p) => p.default_tags?.[0]?.tags)).toEqual(providers.map(() => expect.objectContaining(expected)));
  });

  it("gives every Lambda function the environment's configured runtime", () => {
    const env = environments.find((e) => id.startsWith(`${e.name}-`))!;
    const runtimes = resourcesOfType(stack, "aws_lambda_function").map((f) => f.runtime);
    expect(runtimes.filter((runtime) => runtime !== env.ssr.runtime)).toEqual([]);
  });

  it("uses an S3 backend with encryption and native locking", () => {
    expect(stack.terraform.backend.s3).toMatchObject({ encrypt: true, use_lockfile: true });
  });
});

describe.each(environments.filter((e) => e.protected).map((e) => [e.name] as const))("protected environment %s", (name) => {
  const tables = resourcesOfType(stacks[`${name}-app`], "aws_dynamodb_table");

  it("has tables", () => {
    expect(tables.length).toBeGreaterThan(0);
  });

  it("keeps deletion protection on every table", () => {
    expect(tables.filter((t) => t.deletion_protection_enabled !== true).map((t) => t.name)).toEqual([]);
  });

  it("keeps point-in-time recovery on every table", () => {
    expect(tables.filter((t) => t.point_in_time_recovery?.enabled !== true).map((t) => t.name)).toEqual([]);
  });
});
