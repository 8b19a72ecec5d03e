/**
 * The S3 rules' decisions (scripts/policy/rules/s3.ts, S3-1 to S3-9), one at a time, on
 * hand-written Terraform JSON: each test runs one rule's check over a stack (or two) of a few
 * resources, without synthesizing anything. Policies are aws_iam_policy_document data sources,
 * as the modules build them (a literal JSON policy may not hold references). rules-s3.test.ts
 * runs the same rules over stacks the real constructs synthesize.
 */
import type { EnvironmentConfig } from "../../../environments/schema";
import { assetsBucketName } from "../../../lib/naming";
import { SynthesizedStack } from "../../../scripts/policy/model";
import { show, type Rule, type RuleOutcome } from "../../../scripts/policy/rule";
import {
  S3_RULES,
  s3AssetsOnlyCloudFront,
  s3DenyInsecureTransport,
  s3Encryption,
  s3LifecycleAbortsUploads,
  s3NoAcls,
  s3NoLockout,
  s3NoPublicAcl,
  s3PublicAccessBlock,
  s3StateBucketVersioned,
} from "../../../scripts/policy/rules/s3";
import { Workspace } from "../../../scripts/policy/workspace";

const ACCOUNT = "111111111111";
const STATE_BUCKET = "acme-web-tfstate-111111111111";

/** An environment as far as these rules read it: name, project and account (the assets bucket's name), state bucket (S3-5). */
const environment = (name: string) => ({ name, project: "acme-web", account: { id: ACCOUNT }, state: { bucket: STATE_BUCKET } }) as EnvironmentConfig;
const DEV = environment("dev");
const ENVIRONMENTS = [DEV, environment("staging")];

/** A stack's environment from its id (`dev-…`, `staging-…`); any other id is a stack of no environment. */
const environmentOf = (stack: SynthesizedStack) => ENVIRONMENTS.find((e) => stack.id.startsWith(`${e.name}-`));

const stackOf = (id: string, json: object) => new SynthesizedStack(id, "cdk.tf.json", "cdktf.out", json);

/** What a rule decides about the first stack, in a workspace of all of them. */
function decide(rule: Rule, stack: SynthesizedStack, ...others: SynthesizedStack[]): RuleOutcome {
  return rule.check({ stack, workspace: new Workspace([stack, ...others]), env: environmentOf(stack), environments: ENVIRONMENTS, environmentOf, now: new Date("2025-06-01T00:00:00Z") });
}

/** What a rule decides about a stack of this Terraform JSON (`{ resource, data }`), by default dev's `dev-app`. */
const outcome = (rule: Rule, json: object, id = "dev-app"): RuleOutcome => decide(rule, stackOf(id, json));

/** The findings as `[resource, message]` pairs; a rule that did not check anything is a test error. */
function pairsOf(result: RuleOutcome): [string, string][] {
  if (result.kind !== "checked") throw new Error(`the rule did not check the stack: ${result.kind} (${result.reason})`);
  return result.findings.map((f) => [f.resource, f.message]);
}

const findings = (rule: Rule, json: object, id?: string): [string, string][] => pairsOf(outcome(rule, json, id));
const messages = (rule: Rule, json: object, id?: string): string[] => findings(rule, json, id).map(([, message]) => message);

/** A stack's resources and one policy document, `data.aws_iam_policy_document.Doc`, of these statements. */
const withDocument = (resource: object, statements: object[]) => ({ resource, data: { aws_iam_policy_document: { Doc: { statement: statements } } } });
const DOC = "${data.aws_iam_policy_document.Doc.json}";
const POLICY = "aws_s3_bucket_policy.P";
const UNREADABLE = { message: "cannot check the policy: the policy is an expression (${var.policy}), not an aws_iam_policy_document", fix: "Build the policy with an aws_iam_policy_document data source." };

/** `aws_s3_bucket.B`, named data-bucket. */
const BUCKET = "aws_s3_bucket.B";
const DATA_BUCKET = { B: { bucket: "data-bucket" } };
const BUCKET_ARN = "${aws_s3_bucket.B.arn}";
/** data-bucket with these other resources. */
const dataBucketWith = (resources: object = {}) => ({ resource: { aws_s3_bucket: DATA_BUCKET, ...resources } });
/** data-bucket whose bucket policy `P` is these statements. */
const dataBucketAdmitting = (...statements: object[]) =>
  withDocument({ aws_s3_bucket: DATA_BUCKET, aws_s3_bucket_policy: { P: { bucket: "${aws_s3_bucket.B.id}", policy: DOC } } }, statements);
/** data-bucket whose bucket policy cannot be read. */
const dataBucketWithUnreadablePolicy = () => dataBucketWith({ aws_s3_bucket_policy: { P: { bucket: "${aws_s3_bucket.B.id}", policy: "${var.policy}" } } });

const EVERYONE = [{ type: "*", identifiers: ["*"] }];
const A_ROLE = [{ type: "AWS", identifiers: [`arn:aws:iam::${ACCOUNT}:role/deployer`] }];
/** A public access block's four settings, all on. */
const ALL_ON = { block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true };

const CLOUDFRONT = [{ type: "Service", identifiers: ["cloudfront.amazonaws.com"] }];
/** A distribution of the environment's account, as a literal ARN. */
const LITERAL_DISTRIBUTION_ARN = `arn:aws:cloudfront::${ACCOUNT}:distribution/E2QWRUHAPOMQZL`;
const DISTRIBUTION_ARN = "${aws_cloudfront_distribution.D.arn}";
const sourceArn = (values: string[], test = "StringEquals") => [{ test, variable: "AWS:SourceArn", values }];
/** DistributionStack's grant to the assets bucket `A`: CloudFront reads objects through distribution `D`; with these fields changed. */
const cloudFrontRead = (changes: object = {}) => ({
  sid: "Read",
  principals: CLOUDFRONT,
  actions: ["s3:GetObject"],
  resources: ["${aws_s3_bucket.A.arn}/assets/*"],
  condition: sourceArn([DISTRIBUTION_ARN]),
  ...changes,
});

/** How a stack reads another stack's output (cdktf's cross-stack reference), and the data source it reads it through. */
const remote = (producer: string, output: string) => `\${data.terraform_remote_state.cross-stack-reference-input-${producer}.outputs.${output}}`;
const remoteState = (producer: string) => ({ terraform_remote_state: { [`cross-stack-reference-input-${producer}`]: { backend: "s3", config: { bucket: "state", key: `${producer}.tfstate` } } } });

describe("which stacks the S3 rules apply to", () => {
  const ruleWithId = (id: string) => S3_RULES.find((rule) => rule.id === id) as Rule;

  it.each([
    ["S3-1", "no S3 buckets in this stack"],
    ["S3-2", "no S3 buckets in this stack"],
    ["S3-3", "no S3 buckets in this stack"],
    ["S3-4", "no assets bucket (no S3 bucket is a CloudFront origin or named as the assets bucket)"],
    ["S3-5", "no state bucket in this stack"],
    ["S3-6", "no S3 buckets in this stack"],
    ["S3-7", "no S3 buckets in this stack"],
    ["S3-8", "no S3 buckets in this stack"],
    ["S3-9", "no bucket policies in this stack"],
  ])("%s does not apply to a stack without buckets, and says why", (id, reason) => {
    expect(outcome(ruleWithId(id), { resource: { aws_sns_topic: { T: { name: "events" } } } })).toEqual({ kind: "not-applicable", reason });
  });
});

describe("S3-1 public access block", () => {
  const NO_BLOCK = "bucket data-bucket has no aws_s3_bucket_public_access_block";

  it("passes a bucket without a block of its own when the account's public access block has all four settings on", () => {
    expect(outcome(s3PublicAccessBlock, dataBucketWith({ aws_s3_account_public_access_block: { Account: ALL_ON } }))).toEqual({ kind: "checked", checked: 1, findings: [] });
  });

  it("does not let an account block that leaves restrict_public_buckets off stand in for the bucket's", () => {
    const account = { aws_s3_account_public_access_block: { Account: { ...ALL_ON, restrict_public_buckets: false } } };
    expect(findings(s3PublicAccessBlock, dataBucketWith(account))).toEqual([[BUCKET, NO_BLOCK]]);
  });

  it("names every setting a bucket's block leaves off, with the value seen", () => {
    const block = { aws_s3_bucket_public_access_block: { Block: { bucket: "${aws_s3_bucket.B.id}", block_public_acls: true, block_public_policy: false, ignore_public_acls: true } } };
    expect(findings(s3PublicAccessBlock, dataBucketWith(block))).toEqual([
      ["aws_s3_bucket_public_access_block.Block", "public access block of data-bucket leaves block_public_policy=false, restrict_public_buckets=unset"],
    ]);
  });
});

describe("which companion resources belong to a bucket (by reference or by name)", () => {
  const twoBucketsAndABlockFor = (bucket: string) => ({
    resource: {
      aws_s3_bucket: { ...DATA_BUCKET, C: { bucket: "logs-bucket" } },
      aws_s3_bucket_public_access_block: { Block: { bucket, ...ALL_ON } },
    },
  });

  it("finds a bucket's public access block named by the bucket's literal name", () => {
    expect(findings(s3PublicAccessBlock, dataBucketWith({ aws_s3_bucket_public_access_block: { Block: { bucket: "data-bucket", ...ALL_ON } } }))).toEqual([]);
  });

  it("does not give one bucket the public access block that references another", () => {
    expect(findings(s3PublicAccessBlock, twoBucketsAndABlockFor("${aws_s3_bucket.B.id}"))).toEqual([["aws_s3_bucket.C", "bucket logs-bucket has no aws_s3_bucket_public_access_block"]]);
  });

  it("does not give one bucket the public access block that names another", () => {
    expect(findings(s3PublicAccessBlock, twoBucketsAndABlockFor("data-bucket"))).toEqual([["aws_s3_bucket.C", "bucket logs-bucket has no aws_s3_bucket_public_access_block"]]);
  });

  it("does not give a bucket without a literal name a block that names no bucket", () => {
    const json = { resource: { aws_s3_bucket: { B: { bucket_prefix: "data-" } }, aws_s3_bucket_public_access_block: { Block: ALL_ON } } };
    expect(findings(s3PublicAccessBlock, json)).toEqual([[BUCKET, "bucket aws_s3_bucket.B has no aws_s3_bucket_public_access_block"]]);
  });
});

describe("S3-2 encryption", () => {
  const encryptedWith = (...algorithms: string[]) =>
    dataBucketWith({
      aws_s3_bucket_server_side_encryption_configuration: {
        Sse: { bucket: "${aws_s3_bucket.B.id}", rule: algorithms.map((sse_algorithm) => ({ apply_server_side_encryption_by_default: { sse_algorithm } })) },
      },
    });

  it.each([["AES256"], ["aws:kms"], ["aws:kms:dsse"]])("passes default encryption with %s", (algorithm) => {
    expect(findings(s3Encryption, encryptedWith(algorithm))).toEqual([]);
  });

  it("flags algorithms S3 does not offer, naming each and the ones it does", () => {
    expect(findings(s3Encryption, encryptedWith("AES128", "aws:kms", "SHA256"))).toEqual([
      [BUCKET, 'bucket data-bucket sets sse_algorithm "AES128", "SHA256" (expected one of AES256, aws:kms, aws:kms:dsse)'],
    ]);
  });
});

describe("S3-3 TLS-only bucket policy", () => {
  const OVER_HTTP = [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }];
  /** PrivateBucket's TLS-only Deny, with these fields changed. */
  const tlsDeny = (changes: object = {}) => ({ sid: "DenyHttp", effect: "Deny", principals: EVERYONE, actions: ["s3:*"], resources: [BUCKET_ARN, `${BUCKET_ARN}/*`], condition: OVER_HTTP, ...changes });
  const NO_DENY = "policy of data-bucket has no Deny for aws:SecureTransport = false";

  it("passes PrivateBucket's Deny of s3:* to everyone over plain HTTP, on the bucket and its objects", () => {
    expect(findings(s3DenyInsecureTransport, dataBucketAdmitting(tlsDeny()))).toEqual([]);
  });

  it("flags a bucket without a bucket policy", () => {
    expect(findings(s3DenyInsecureTransport, dataBucketWith())).toEqual([[BUCKET, "bucket data-bucket has no bucket policy, so nothing denies plain-HTTP requests"]]);
  });

  it("cannot check a policy that is an expression, and says how to fix it", () => {
    expect(outcome(s3DenyInsecureTransport, dataBucketWithUnreadablePolicy())).toEqual({ kind: "checked", checked: 1, findings: [{ resource: POLICY, ...UNREADABLE }] });
  });

  it("does not take a Deny conditioned on something else (aws:SourceIp) for the TLS-only Deny", () => {
    const bySourceIp = tlsDeny({ condition: [{ test: "NotIpAddress", variable: "aws:SourceIp", values: ["192.0.2.0/24"] }] });
    expect(findings(s3DenyInsecureTransport, dataBucketAdmitting(bySourceIp))).toEqual([[POLICY, NO_DENY]]);
  });

  it("does not take a Deny of HTTPS requests (aws:SecureTransport = true) for the TLS-only Deny", () => {
    const overHttps = tlsDeny({ condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["true"] }] });
    expect(findings(s3DenyInsecureTransport, dataBucketAdmitting(overHttps))).toEqual([[POLICY, NO_DENY]]);
  });

  it('does not take a Deny with StringNotEquals aws:SecureTransport "false" (which denies HTTPS requests) for the TLS-only Deny', () => {
    const notOverHttp = tlsDeny({ condition: [{ test: "StringNotEquals", variable: "aws:SecureTransport", values: ["false"] }] });
    expect(findings(s3DenyInsecureTransport, dataBucketAdmitting(notOverHttp))).toEqual([[POLICY, NO_DENY]]);
  });

  it("takes a Deny of TLS versions under 1.2 (NumericLessThan s3:TlsVersion) for the TLS-only Deny", () => {
    const oldTls = tlsDeny({ condition: [{ test: "NumericLessThan", variable: "s3:TlsVersion", values: ["1.2"] }] });
    expect(findings(s3DenyInsecureTransport, dataBucketAdmitting(oldTls))).toEqual([]);
  });

  it("does not take a Deny of TLS versions above 1.2 for the TLS-only Deny", () => {
    const newTls = tlsDeny({ condition: [{ test: "NumericGreaterThan", variable: "s3:TlsVersion", values: ["1.2"] }] });
    expect(findings(s3DenyInsecureTransport, dataBucketAdmitting(newTls))).toEqual([[POLICY, NO_DENY]]);
  });

  it("does not take an Allow conditioned on aws:SecureTransport = false for the TLS-only Deny", () => {
    expect(findings(s3DenyInsecureTransport, dataBucketAdmitting(tlsDeny({ effect: "Allow" })))).toEqual([[POLICY, NO_DENY]]);
  });

  it("does not take a Deny to one role for the TLS-only Deny", () => {
    expect(findings(s3DenyInsecureTransport, dataBucketAdmitting(tlsDeny({ principals: A_ROLE })))).toEqual([[POLICY, NO_DENY]]);
  });

  it("takes a Deny that names everyone among other principals", () => {
    expect(findings(s3DenyInsecureTransport, dataBucketAdmitting(tlsDeny({ principals: [...A_ROLE, { type: "AWS", identifiers: ["*"] }] })))).toEqual([]);
  });

  it("does not take a Deny of one action (s3:GetObject) for the TLS-only Deny", () => {
    expect(findings(s3DenyInsecureTransport, dataBucketAdmitting(tlsDeny({ actions: ["s3:GetObject"] })))).toEqual([[POLICY, NO_DENY]]);
  });

  it("takes a Deny that lists s3:* among other actions", () => {
    expect(findings(s3DenyInsecureTransport, dataBucketAdmitting(tlsDeny({ actions: ["s3:GetObject", "s3:*"] })))).toEqual([]);
  });

  it("takes a Deny of Action * for the TLS-only Deny", () => {
    expect(findings(s3DenyInsecureTransport, dataBucketAdmitting(tlsDeny({ actions: ["*"] })))).toEqual([]);
  });

  it("flags a TLS-only Deny on the bucket but not its objects", () => {
    expect(findings(s3DenyInsecureTransport, dataBucketAdmitting(tlsDeny({ resources: [BUCKET_ARN] })))).toEqual([
      [POLICY, "the TLS-only Deny of data-bucket does not cover its objects (<arn>/*)"],
    ]);
  });

  it("flags a TLS-only Deny on the objects but not the bucket", () => {
    expect(findings(s3DenyInsecureTransport, dataBucketAdmitting(tlsDeny({ resources: [`${BUCKET_ARN}/*`] })))).toEqual([
      [POLICY, "the TLS-only Deny of data-bucket does not cover the bucket ARN"],
    ]);
  });

  it("names both the bucket and its objects when the TLS-only Deny covers neither", () => {
    expect(findings(s3DenyInsecureTransport, dataBucketAdmitting(tlsDeny({ resources: ["arn:aws:s3:::logs-bucket", "arn:aws:s3:::logs-bucket/*"] })))).toEqual([
      [POLICY, "the TLS-only Deny of data-bucket does not cover the bucket ARN or its objects (<arn>/*)"],
    ]);
  });

  it("takes the literal ARNs (arn:aws:s3:::data-bucket and …/*) for the bucket and its objects", () => {
    expect(findings(s3DenyInsecureTransport, dataBucketAdmitting(tlsDeny({ resources: ["arn:aws:s3:::data-bucket", "arn:aws:s3:::data-bucket/*"] })))).toEqual([]);
  });
});

describe("S3-4 which buckets are assets buckets", () => {
  it("takes a bucket that a distribution of the stack uses as an origin, whatever its name", () => {
    const json = withDocument(
      {
        aws_s3_bucket: { A: { bucket: "media" } },
        aws_cloudfront_distribution: { D: { origin: [{ domain_name: "${aws_s3_bucket.A.bucket_regional_domain_name}" }] } },
        aws_s3_bucket_policy: { P: { bucket: "${aws_s3_bucket.A.id}", policy: DOC } },
      },
      [cloudFrontRead()],
    );
    expect(outcome(s3AssetsOnlyCloudFront, json)).toEqual({ kind: "checked", checked: 1, findings: [] });
  });

  it("takes a bucket that a distribution in another stack uses as an origin (through remote state)", () => {
    const assets = stackOf("dev-app", {
      ...withDocument({ aws_s3_bucket: { A: { bucket: "media" } }, aws_s3_bucket_policy: { P: { bucket: "${aws_s3_bucket.A.id}", policy: DOC } } }, [cloudFrontRead({ condition: sourceArn([LITERAL_DISTRIBUTION_ARN]) })]),
      output: { "assets-domain": { value: "${aws_s3_bucket.A.bucket_regional_domain_name}" } },
    });
    const cdn = stackOf("dev-distribution", { resource: { aws_cloudfront_distribution: { D: { origin: [{ domain_name: remote("dev-app", "assets-domain") }] } } }, data: remoteState("dev-app") });
    expect(decide(s3AssetsOnlyCloudFront, assets, cdn)).toEqual({ kind: "checked", checked: 1, findings: [] });
  });

  it("does not take a bucket for an origin because a bucket of another stack with the same address is one", () => {
    const cdn = stackOf("dev-distribution", {
      resource: { aws_s3_bucket: { A: { bucket: "logs" } }, aws_cloudfront_distribution: { D: { origin: [{ domain_name: "${aws_s3_bucket.A.bucket_regional_domain_name}" }] } } },
    });
    const app = stackOf("dev-app", { resource: { aws_s3_bucket: { A: { bucket: "media" } } } });
    expect(decide(s3AssetsOnlyCloudFront, app, cdn).kind).toBe("not-applicable");
  });

  it("takes the bucket named as the environment's assets bucket when no distribution uses it", () => {
    const json = { resource: { aws_s3_bucket: { A: { bucket: assetsBucketName(DEV) } } } };
    expect(outcome(s3AssetsOnlyCloudFront, json)).toEqual({ kind: "checked", checked: 1, findings: [] });
  });

  it("checks only the assets bucket of a stack that has others", () => {
    const json = { resource: { aws_s3_bucket: { A: { bucket: assetsBucketName(DEV) }, ...DATA_BUCKET } } };
    expect(outcome(s3AssetsOnlyCloudFront, json)).toEqual({ kind: "checked", checked: 1, findings: [] });
  });

  it("in a stack of no environment, does not take a bucket without a name for the assets bucket", () => {
    expect(outcome(s3AssetsOnlyCloudFront, { resource: { aws_s3_bucket: { A: { bucket_prefix: "assets-" } } } }, "shared-web").kind).toBe("not-applicable");
  });
});

describe("S3-4 what the assets bucket policy admits", () => {
  /** dev's assets bucket `A`, the origin of distribution `D` in the same stack, whose policy is these statements. */
  const assetsAdmitting = (...statements: object[]) =>
    withDocument(
      {
        aws_s3_bucket: { A: { bucket: assetsBucketName(DEV) } },
        aws_cloudfront_distribution: { D: { origin: [{ domain_name: "${aws_s3_bucket.A.bucket_regional_domain_name}" }] } },
        aws_s3_bucket_policy: { P: { bucket: "${aws_s3_bucket.A.id}", policy: DOC } },
      },
      statements,
    );
  const problems = (changes: object, id?: string) => messages(s3AssetsOnlyCloudFront, assetsAdmitting(cloudFrontRead(changes)), id);
  const NOT_OURS = (value: string) => `statement "Read" limits AWS:SourceArn to "${value}", which is not this environment's distribution`;

  it("passes CloudFront reading objects through this environment's distribution", () => {
    expect(problems({})).toEqual([]);
  });

  it("cannot check a policy that is an expression, and says how to fix it", () => {
    const json = { resource: { aws_s3_bucket: { A: { bucket: assetsBucketName(DEV) } }, aws_s3_bucket_policy: { P: { bucket: "${aws_s3_bucket.A.id}", policy: "${var.policy}" } } } };
    expect(outcome(s3AssetsOnlyCloudFront, json)).toEqual({ kind: "checked", checked: 1, findings: [{ resource: POLICY, ...UNREADABLE }] });
  });

  it("names a statement without a Sid as such", () => {
    expect(problems({ sid: undefined, actions: ["s3:PutObject"] })).toEqual(["statement (no sid) grants s3:PutObject; CloudFront may only s3:GetObject (and s3:ListBucket on the bucket itself)"]);
  });

  it("flags NotPrincipal, which admits everyone not listed", () => {
    expect(problems({ principals: undefined, not_principals: A_ROLE })).toEqual(['statement "Read" uses NotPrincipal, which admits everyone not listed']);
  });

  it("flags a statement that names no principal", () => {
    expect(problems({ principals: undefined })).toEqual(['statement "Read" names no principal']);
  });

  it("flags another service principal", () => {
    expect(problems({ principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }] })).toEqual([
      'statement "Read" admits Service lambda.amazonaws.com (only Service cloudfront.amazonaws.com may read assets)',
    ]);
  });

  it("flags a service principal that lists another service beside CloudFront, naming both", () => {
    expect(problems({ principals: [{ type: "Service", identifiers: ["cloudfront.amazonaws.com", "lambda.amazonaws.com"] }] })).toEqual([
      'statement "Read" admits Service cloudfront.amazonaws.com, lambda.amazonaws.com (only Service cloudfront.amazonaws.com may read assets)',
    ]);
  });

  it("flags an AWS principal spelled as the CloudFront service: only a Service principal is CloudFront", () => {
    expect(problems({ principals: [{ type: "AWS", identifiers: ["cloudfront.amazonaws.com"] }] })).toEqual([
      'statement "Read" admits AWS cloudfront.amazonaws.com (only Service cloudfront.amazonaws.com may read assets)',
    ]);
  });

  it.each([["ArnEquals"], ["StringLike"], ["ArnLike"]])("passes an AWS:SourceArn condition with %s", (test) => {
    expect(problems({ condition: sourceArn([DISTRIBUTION_ARN], test) })).toEqual([]);
  });

  it("does not take StringNotEquals AWS:SourceArn for a limit to the distribution", () => {
    expect(problems({ condition: sourceArn([DISTRIBUTION_ARN], "StringNotEquals") })).toEqual([
      'statement "Read" has no AWS:SourceArn condition, so any CloudFront distribution (in any account) could read through it',
    ]);
  });

  it("flags an AWS:SourceArn condition without values", () => {
    expect(problems({ condition: sourceArn([]) })).toEqual(['statement "Read" has an empty AWS:SourceArn condition']);
  });

  it("flags NotAction, which grants every other action, naming the actions it leaves out", () => {
    expect(problems({ actions: undefined, not_actions: ["s3:DeleteObject", "s3:PutObject"] })).toEqual([
      'statement "Read" grants every action except s3:DeleteObject, s3:PutObject (NotAction); CloudFront may only s3:GetObject',
    ]);
  });

  it("flags s3:ListBucket granted together with s3:GetObject on the objects", () => {
    expect(problems({ actions: ["s3:GetObject", "s3:ListBucket"], resources: ["${aws_s3_bucket.A.arn}/*"] })).toEqual([
      'statement "Read" grants s3:ListBucket on "${aws_s3_bucket.A.arn}/*"; CloudFront may list only the bucket itself (${aws_s3_bucket.A.arn})',
    ]);
  });

  it("names every resource beside the bucket that s3:ListBucket is granted on", () => {
    expect(problems({ actions: ["s3:ListBucket"], resources: ["${aws_s3_bucket.A.arn}/a/*", "${aws_s3_bucket.A.arn}/b/*"] })).toEqual([
      'statement "Read" grants s3:ListBucket on "${aws_s3_bucket.A.arn}/a/*", "${aws_s3_bucket.A.arn}/b/*"; CloudFront may list only the bucket itself (${aws_s3_bucket.A.arn})',
    ]);
  });

  it("passes a literal SourceArn of a distribution in the environment's account", () => {
    expect(problems({ condition: sourceArn([LITERAL_DISTRIBUTION_ARN]) })).toEqual([]);
  });

  it("flags a literal SourceArn in a stack of no environment (no account to compare it with)", () => {
    expect(problems({ condition: sourceArn([LITERAL_DISTRIBUTION_ARN]) }, "shared-web")).toEqual([NOT_OURS(LITERAL_DISTRIBUTION_ARN)]);
  });

  it("flags a SourceArn that is a variable, which nothing ties to the distribution", () => {
    expect(problems({ condition: sourceArn(["${var.distribution_arn}"]) })).toEqual([NOT_OURS("${var.distribution_arn}")]);
  });

  it("flags a SourceArn expression that may also give another resource's ARN", () => {
    const either = "${coalesce(aws_cloudfront_distribution.D.arn, aws_s3_bucket.A.arn)}";
    expect(problems({ condition: sourceArn([either]) })).toEqual([NOT_OURS(either)]);
  });

  it("flags a SourceArn that is another resource's ARN", () => {
    expect(problems({ condition: sourceArn(["${aws_s3_bucket.A.arn}"]) })).toEqual([NOT_OURS("${aws_s3_bucket.A.arn}")]);
  });

  it("flags a SourceArn that references a distribution not in the stack", () => {
    expect(problems({ condition: sourceArn(["${aws_cloudfront_distribution.Gone.arn}"]) })).toEqual([NOT_OURS("${aws_cloudfront_distribution.Gone.arn}")]);
  });

  it("flags a SourceArn that is the distribution's id, not its ARN", () => {
    expect(problems({ condition: sourceArn(["${aws_cloudfront_distribution.D.id}"]) })).toEqual([NOT_OURS("${aws_cloudfront_distribution.D.id}")]);
  });

  it("flags a pattern that starts with the distribution's ARN (ArnLike …arn}*)", () => {
    expect(problems({ condition: sourceArn(["${aws_cloudfront_distribution.D.arn}*"], "ArnLike") })).toEqual([NOT_OURS("${aws_cloudfront_distribution.D.arn}*")]);
  });

  it("flags a pattern that ends with the distribution's ARN (StringLike *${…arn})", () => {
    expect(problems({ condition: sourceArn(["*${aws_cloudfront_distribution.D.arn}"], "StringLike") })).toEqual([NOT_OURS("*${aws_cloudfront_distribution.D.arn}")]);
  });

  it("in a stack of no environment, passes the ARN of the stack's own distribution", () => {
    expect(problems({}, "shared-web")).toEqual([]);
  });
});

describe("S3-4 a distribution in another stack", () => {

  /**
   * Two stacks as cdktf wires them: `assetsId` holds the assets bucket A and outputs its domain;
   * `cdnId` holds distribution D, whose origin is that domain, and outputs D's ARN, which A's
   * policy reads from cdnId's state for AWS:SourceArn.
   */
  function splitStacks(assetsId: string, cdnId: string): [SynthesizedStack, SynthesizedStack] {
    const read = cloudFrontRead({ condition: sourceArn([remote(cdnId, "distribution-arn")]) });
    const assets = stackOf(assetsId, {
      resource: { aws_s3_bucket: { A: { bucket: "media" } }, aws_s3_bucket_policy: { P: { bucket: "${aws_s3_bucket.A.id}", policy: DOC } } },
      data: { ...remoteState(cdnId), aws_iam_policy_document: { Doc: { statement: [read] } } },
      output: { "assets-domain": { value: "${aws_s3_bucket.A.bucket_regional_domain_name}" } },
    });
    const cdn = stackOf(cdnId, {
      resource: { aws_cloudfront_distribution: { D: { origin: [{ domain_name: remote(assetsId, "assets-domain") }] } } },
      data: remoteState(assetsId),
      output: { "distribution-arn": { value: "${aws_cloudfront_distribution.D.arn}" } },
    });
    return [assets, cdn];
  }
  const problems = (assetsId: string, cdnId: string) => pairsOf(decide(s3AssetsOnlyCloudFront, ...splitStacks(assetsId, cdnId))).map(([, message]) => message);
  /** The finding for a SourceArn read from cdnId's state (shortened in the message, as every value seen is). */
  const NOT_OURS = (cdnId: string) => `statement "Read" limits AWS:SourceArn to ${show(remote(cdnId, "distribution-arn"))}, which is not this environment's distribution`;

  it("passes the ARN of the environment's distribution in another stack", () => {
    expect(problems("dev-app", "dev-distribution")).toEqual([]);
  });

  it("flags the ARN of another environment's distribution", () => {
    expect(problems("dev-app", "staging-distribution")).toEqual([NOT_OURS("staging-distribution")]);
  });

  it("flags the ARN of a distribution in a stack of no environment", () => {
    expect(problems("dev-app", "shared-distribution")).toEqual([NOT_OURS("shared-distribution")]);
  });

  it("in a stack of no environment, flags the ARN of a distribution in another stack", () => {
    expect(problems("shared-app", "dev-distribution")).toEqual([NOT_OURS("dev-distribution")]);
  });
});

describe("S3-5 state bucket versioned", () => {
  const STATE = "aws_s3_bucket.S";
  const stateBucket = (attributes: object = {}, resources: object = {}) => ({ resource: { aws_s3_bucket: { S: { bucket: STATE_BUCKET, ...attributes } }, ...resources } });
  const versioning = (...statuses: string[]) =>
    Object.fromEntries(statuses.map((status, i) => [`V${i}`, { bucket: "${aws_s3_bucket.S.id}", versioning_configuration: { status } }]));
  const NOT_VERSIONED = (seen: string) => `state bucket ${STATE_BUCKET} is not versioned (${seen}); a bad apply or delete could not be rolled back`;

  it("does not apply to a stack whose buckets are not named as a state bucket", () => {
    expect(outcome(s3StateBucketVersioned, dataBucketWith(), "state-acme")).toEqual({ kind: "not-applicable", reason: "no state bucket in this stack" });
  });

  it("passes a state bucket versioned by its inline versioning block (enabled = true)", () => {
    expect(findings(s3StateBucketVersioned, stateBucket({ versioning: { enabled: true } }), "state-acme")).toEqual([]);
  });

  it("flags a state bucket whose versioning is Suspended, with the status seen", () => {
    expect(findings(s3StateBucketVersioned, stateBucket({}, { aws_s3_bucket_versioning: versioning("Suspended") }), "state-acme")).toEqual([[STATE, NOT_VERSIONED('status "Suspended"')]]);
  });

  it("names the status of every aws_s3_bucket_versioning of an unversioned state bucket", () => {
    const json = stateBucket({}, { aws_s3_bucket_versioning: versioning("Suspended", "Disabled") });
    expect(findings(s3StateBucketVersioned, json, "state-acme")).toEqual([[STATE, NOT_VERSIONED('status "Suspended", "Disabled"')]]);
  });
});

describe("S3-6 ACLs disabled", () => {
  it("names every object ownership set when none is BucketOwnerEnforced", () => {
    const controls = {
      aws_s3_bucket_ownership_controls: {
        Writer: { bucket: "${aws_s3_bucket.B.id}", rule: { object_ownership: "ObjectWriter" } },
        Preferred: { bucket: "${aws_s3_bucket.B.id}", rule: { object_ownership: "BucketOwnerPreferred" } },
      },
    };
    expect(findings(s3NoAcls, dataBucketWith(controls))).toEqual([[BUCKET, 'bucket data-bucket still honours ACLs (object_ownership "ObjectWriter", "BucketOwnerPreferred")']]);
  });
});

describe("S3-7 no public ACL", () => {
  const bucketWith = (attributes: object) => ({ resource: { aws_s3_bucket: { B: { bucket: "data-bucket", ...attributes } } } });

  it("passes the private canned ACL", () => {
    expect(findings(s3NoPublicAcl, bucketWith({ acl: "private" }))).toEqual([]);
  });

  it("flags the canned ACL authenticated-read (every AWS account) set on the bucket itself", () => {
    expect(findings(s3NoPublicAcl, bucketWith({ acl: "authenticated-read" }))).toEqual([[BUCKET, 'bucket data-bucket has the canned ACL "authenticated-read"']]);
  });

  it("passes an inline grant to one canonical user", () => {
    expect(findings(s3NoPublicAcl, bucketWith({ grant: [{ type: "CanonicalUser", id: "79a59df900b949e5", permissions: ["FULL_CONTROL"] }] }))).toEqual([]);
  });

  it("flags an inline grant of the bucket (aws_s3_bucket.grant) to everyone", () => {
    const grant = { type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers", permissions: ["READ"] };
    expect(findings(s3NoPublicAcl, bucketWith({ grant: [grant] }))).toEqual([[BUCKET, 'bucket data-bucket grants ["READ"] to AllUsers']]);
  });
});

describe("S3-8 lifecycle aborts incomplete multipart uploads", () => {
  const ABORT = { abort_incomplete_multipart_upload: { days_after_initiation: 7 } };
  const EXPIRE = { expiration: { days: 30 } };
  const bucketWith = (attributes: object) => ({ resource: { aws_s3_bucket: { B: { bucket: "data-bucket", ...attributes } } } });
  const configuredWith = (...rules: object[]) => dataBucketWith({ aws_s3_bucket_lifecycle_configuration: { L: { bucket: "${aws_s3_bucket.B.id}", rule: rules } } });
  const NO_ABORT = "no enabled lifecycle rule of bucket data-bucket aborts incomplete multipart uploads, so the parts of an interrupted upload are billed forever";

  it("passes an enabled inline lifecycle_rule that aborts incomplete uploads", () => {
    expect(findings(s3LifecycleAbortsUploads, bucketWith({ lifecycle_rule: [{ id: "abort", enabled: true, abort_incomplete_multipart_upload_days: 7 }] }))).toEqual([]);
  });

  it("passes an abort after a number of days written as a numeric string, which Terraform reads as a number", () => {
    expect(findings(s3LifecycleAbortsUploads, bucketWith({ lifecycle_rule: [{ id: "abort", enabled: true, abort_incomplete_multipart_upload_days: "7" }] }))).toEqual([]);
    expect(findings(s3LifecycleAbortsUploads, configuredWith({ id: "abort", status: "Enabled", abort_incomplete_multipart_upload: { days_after_initiation: "7" } }))).toEqual([]);
  });

  it("flags an abort whose days are neither a number nor a numeric string", () => {
    expect(findings(s3LifecycleAbortsUploads, configuredWith({ id: "abort", status: "Enabled", abort_incomplete_multipart_upload: { days_after_initiation: "a week" } }))).toEqual([[BUCKET, NO_ABORT]]);
  });

  it("flags a disabled inline lifecycle_rule, however it aborts uploads", () => {
    expect(findings(s3LifecycleAbortsUploads, bucketWith({ lifecycle_rule: [{ id: "abort", enabled: false, abort_incomplete_multipart_upload_days: 7 }] }))).toEqual([
      [BUCKET, "bucket data-bucket has no enabled lifecycle rule"],
    ]);
  });

  it("flags an enabled inline lifecycle_rule that only expires objects", () => {
    expect(findings(s3LifecycleAbortsUploads, bucketWith({ lifecycle_rule: [{ id: "expire", enabled: true, ...EXPIRE }] }))).toEqual([[BUCKET, NO_ABORT]]);
  });

  it("passes a lifecycle configuration whose second enabled rule aborts uploads", () => {
    expect(findings(s3LifecycleAbortsUploads, configuredWith({ id: "expire", status: "Enabled", ...EXPIRE }, { id: "abort", status: "Enabled", ...ABORT }))).toEqual([]);
  });

  it('flags a lifecycle configuration whose rule that aborts uploads is Disabled, naming the configuration', () => {
    expect(findings(s3LifecycleAbortsUploads, configuredWith({ id: "abort", status: "Disabled", ...ABORT }))).toEqual([
      [BUCKET, 'bucket data-bucket has no enabled lifecycle rule (aws_s3_bucket_lifecycle_configuration.L has none with status "Enabled")'],
    ]);
  });

  it("names each of two lifecycle configurations of one bucket", () => {
    const rule = { id: "abort", status: "Enabled", ...ABORT };
    const json = dataBucketWith({
      aws_s3_bucket_lifecycle_configuration: { First: { bucket: "${aws_s3_bucket.B.id}", rule: [rule] }, Second: { bucket: "data-bucket", rule: [rule] } },
    });
    expect(findings(s3LifecycleAbortsUploads, json)).toEqual([
      [
        BUCKET,
        "bucket data-bucket has 2 lifecycle configurations (aws_s3_bucket_lifecycle_configuration.First, aws_s3_bucket_lifecycle_configuration.Second); S3 keeps one, so each apply overwrites the other",
      ],
    ]);
  });
});

describe("S3-9 no lockout", () => {
  /** An unconditioned Deny of s3:* to everyone, with these fields changed. */
  const lockDown = (changes: object = {}) => ({ sid: "LockDown", effect: "Deny", principals: EVERYONE, actions: ["s3:*"], resources: [BUCKET_ARN], ...changes });
  const LOCKED = (denied: string, to = "everyone", statement = '"LockDown"') =>
    `statement ${statement} denies ${denied} to ${to} without a condition: nobody but the account's root user could read, fix or delete the bucket again`;
  const lockouts = (...statements: object[]) => messages(s3NoLockout, dataBucketAdmitting(...statements));

  it("flags an unconditioned Deny of s3:* to everyone", () => {
    expect(lockouts(lockDown())).toEqual([LOCKED("s3:*")]);
  });

  it("cannot check a policy that is an expression, and says how to fix it", () => {
    expect(outcome(s3NoLockout, dataBucketWithUnreadablePolicy())).toEqual({ kind: "checked", checked: 1, findings: [{ resource: POLICY, ...UNREADABLE }] });
  });

  it("passes a Deny of s3:* to everyone under a condition", () => {
    expect(lockouts(lockDown({ condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }] }))).toEqual([]);
  });

  it("passes an unconditioned Allow of s3:* to everyone (not a lockout; other rules judge it)", () => {
    expect(lockouts(lockDown({ effect: "Allow" }))).toEqual([]);
  });

  it("passes an unconditioned Deny of s3:* to one role", () => {
    expect(lockouts(lockDown({ principals: A_ROLE }))).toEqual([]);
  });

  it("flags an unconditioned Deny that names everyone among other principals", () => {
    expect(lockouts(lockDown({ principals: [...A_ROLE, { type: "AWS", identifiers: ["*"] }] }))).toEqual([LOCKED("s3:*")]);
  });

  it("flags an unconditioned Deny to everyone not listed in NotPrincipal", () => {
    expect(lockouts(lockDown({ principals: undefined, not_principals: A_ROLE }))).toEqual([LOCKED("s3:*", "everyone not listed (NotPrincipal)")]);
  });

  it("passes an unconditioned Deny of one action (s3:DeleteBucket) to everyone", () => {
    expect(lockouts(lockDown({ actions: ["s3:DeleteBucket"] }))).toEqual([]);
  });

  it("flags an unconditioned Deny of every action but the listed ones (NotAction), naming them", () => {
    expect(lockouts(lockDown({ actions: undefined, not_actions: ["s3:GetObject", "s3:ListBucket"] }))).toEqual([LOCKED("everything but s3:GetObject, s3:ListBucket")]);
  });

  it("flags an unconditioned Deny that lists s3:* among other actions, naming them all", () => {
    expect(lockouts(lockDown({ actions: ["s3:GetObject", "s3:*"] }))).toEqual([LOCKED("s3:GetObject, s3:*")]);
  });

  it("flags an unconditioned Deny of Action *", () => {
    expect(lockouts(lockDown({ actions: ["*"] }))).toEqual([LOCKED("*")]);
  });

  it("names a statement without a Sid as such", () => {
    expect(lockouts(lockDown({ sid: undefined }))).toEqual([LOCKED("s3:*", "everyone", "(no sid)")]);
  });
});
