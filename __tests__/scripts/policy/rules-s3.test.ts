import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketAcl } from "@cdktf/provider-aws/lib/s3-bucket-acl";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import type { TerraformStack } from "cdktf";
import { assetsBucketName } from "../../../lib/naming";
import { PrivateBucket } from "../../../modules/private-bucket";
import { SsrDistribution } from "../../../modules/ssr-distribution";
import { StateBootstrapStack, stateBucketGroups } from "../../../stacks/state-bootstrap-stack";
import { DEV, ENVIRONMENTS, sharedWorkspace, status, synthStack, violations } from "./support";

const CLOUDFRONT = [{ type: "Service", identifiers: ["cloudfront.amazonaws.com"] }];

/** The assets bucket of dev behind an SsrDistribution, as DistributionStack wires it. */
function assetsBehindCloudFront(stack: TerraformStack): { assets: PrivateBucket; cdn: SsrDistribution } {
  const assets = new PrivateBucket(stack, "Assets", { bucketName: assetsBucketName(DEV) });
  const cdn = new SsrDistribution(stack, "Cdn", {
    namePrefix: "acme-web-dev",
    aliases: ["dev.example.com"],
    certificateArn: "arn:aws:acm:us-east-1:111111111111:certificate/abc",
    priceClass: "PriceClass_100",
    assetsBucketDomainName: assets.bucket.bucketRegionalDomainName,
    ssrOriginHost: "abc.lambda-url.eu-west-1.on.aws",
    apiOriginHost: "abc.execute-api.eu-west-1.amazonaws.com",
  });
  return { assets, cdn };
}

describe("S3-1 public access block", () => {
  it("passes a PrivateBucket", () => {
    expect(violations(synthStack((s) => new PrivateBucket(s, "Data", { bucketName: "data-bucket" })), "S3-1")).toEqual([]);
  });

  it("flags a bucket without a public access block", () => {
    const workspace = synthStack((s) => new S3Bucket(s, "Bucket", { bucket: "open-bucket" }));
    expect(violations(workspace, "S3-1")).toEqual([["aws_s3_bucket.Bucket", "bucket open-bucket has no aws_s3_bucket_public_access_block"]]);
  });

  it("names the setting a partial block leaves off", () => {
    const workspace = synthStack((s) => {
      const bucket = new S3Bucket(s, "Bucket", { bucket: "half-open" });
      new S3BucketPublicAccessBlock(s, "Block", {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: false,
      });
    });
    expect(violations(workspace, "S3-1")).toEqual([
      ["aws_s3_bucket_public_access_block.Block", "public access block of half-open leaves restrict_public_buckets=false"],
    ]);
  });
});

describe("S3-2 encryption", () => {
  it("passes a PrivateBucket", () => {
    expect(violations(synthStack((s) => new PrivateBucket(s, "Data", { bucketName: "data-bucket" })), "S3-2")).toEqual([]);
  });

  it("flags a bucket without default encryption", () => {
    const workspace = synthStack((s) => new S3Bucket(s, "Bucket", { bucket: "plain" }));
    expect(violations(workspace, "S3-2")).toEqual([["aws_s3_bucket.Bucket", "bucket plain has no default encryption configuration"]]);
  });
});

describe("S3-3 TLS-only bucket policy", () => {
  it("passes a PrivateBucket", () => {
    expect(violations(synthStack((s) => new PrivateBucket(s, "Data", { bucketName: "data-bucket" })), "S3-3")).toEqual([]);
  });

  it("flags a bucket policy without the aws:SecureTransport denial", () => {
    const workspace = synthStack((s) => {
      const bucket = new S3Bucket(s, "Bucket", { bucket: "no-tls-rule" });
      const doc = new DataAwsIamPolicyDocument(s, "Doc", {
        statement: [{ principals: CLOUDFRONT, actions: ["s3:GetObject"], resources: [`${bucket.arn}/*`] }],
      });
      new S3BucketPolicy(s, "Policy", { bucket: bucket.id, policy: doc.json });
    });
    expect(violations(workspace, "S3-3")).toEqual([["aws_s3_bucket_policy.Policy", "policy of no-tls-rule has no Deny for aws:SecureTransport = false"]]);
  });

  it("flags a denial that covers the objects but not the bucket", () => {
    const workspace = synthStack((s) => {
      const bucket = new S3Bucket(s, "Bucket", { bucket: "half-covered" });
      const doc = new DataAwsIamPolicyDocument(s, "Doc", {
        statement: [
          {
            effect: "Deny",
            principals: [{ type: "*", identifiers: ["*"] }],
            actions: ["s3:*"],
            resources: [`${bucket.arn}/*`],
            condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
          },
        ],
      });
      new S3BucketPolicy(s, "Policy", { bucket: bucket.id, policy: doc.json });
    });
    expect(violations(workspace, "S3-3")).toEqual([["aws_s3_bucket_policy.Policy", "the TLS-only Deny of half-covered does not cover the bucket ARN"]]);
  });
});

describe("S3-4 assets bucket admits only this environment's CloudFront", () => {
  it("passes reads limited to the distribution's ARN", () => {
    const workspace = synthStack((s) => {
      const { assets, cdn } = assetsBehindCloudFront(s);
      assets.addPolicyStatements({
        principals: CLOUDFRONT,
        actions: ["s3:GetObject"],
        resources: [`${assets.bucket.arn}/assets/*`],
        condition: [{ test: "StringEquals", variable: "AWS:SourceArn", values: [cdn.distribution.arn] }],
      });
    });
    expect(violations(workspace, "S3-4")).toEqual([]);
  });

  /** A grant to this environment's distribution, correct in everything but what it may do. */
  const cloudFrontGrant = (sid: string, actions: string[], resources: (bucketArn: string) => string[]) => (s: TerraformStack) => {
    const { assets, cdn } = assetsBehindCloudFront(s);
    assets.addPolicyStatements({
      sid,
      principals: CLOUDFRONT,
      actions,
      resources: resources(assets.bucket.arn),
      condition: [{ test: "StringEquals", variable: "AWS:SourceArn", values: [cdn.distribution.arn] }],
    });
  };

  it("passes s3:ListBucket on the bucket ARN itself (a missing asset answers 404)", () => {
    expect(violations(synthStack(cloudFrontGrant("List", ["s3:ListBucket"], (arn) => [arn])), "S3-4")).toEqual([]);
  });

  it("flags a CloudFront grant that may write and delete objects", () => {
    const workspace = synthStack(cloudFrontGrant("Write", ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], (arn) => [`${arn}/assets/*`]));
    expect(violations(workspace, "S3-4")).toEqual([
      ["aws_s3_bucket_policy.Assets_Policy_944CB1C2", 'statement "Write" grants s3:PutObject, s3:DeleteObject; CloudFront may only s3:GetObject (and s3:ListBucket on the bucket itself)'],
    ]);
  });

  it("flags a CloudFront grant of every read action (s3:Get*)", () => {
    expect(violations(synthStack(cloudFrontGrant("Reads", ["s3:Get*"], (arn) => [`${arn}/*`])), "S3-4").map(([, message]) => message)).toEqual([
      'statement "Reads" grants s3:Get*; CloudFront may only s3:GetObject (and s3:ListBucket on the bucket itself)',
    ]);
  });

  it("flags s3:ListBucket on anything but the bucket ARN", () => {
    const workspace = synthStack(cloudFrontGrant("ListObjects", ["s3:ListBucket"], (arn) => [arn, `${arn}/*`]));
    expect(violations(workspace, "S3-4").map(([, message]) => message)).toEqual([
      'statement "ListObjects" grants s3:ListBucket on "${aws_s3_bucket.Assets_Bucket_B348DC00.arn}/*"; CloudFront may list only the bucket itself (${aws_s3_bucket.Assets_Bucket_B348DC00.arn})',
    ]);
  });

  it("flags a CloudFront grant without AWS:SourceArn", () => {
    const workspace = synthStack((s) => {
      const { assets } = assetsBehindCloudFront(s);
      assets.addPolicyStatements({ sid: "AnyDistribution", principals: CLOUDFRONT, actions: ["s3:GetObject"], resources: [`${assets.bucket.arn}/*`] });
    });
    expect(violations(workspace, "S3-4")).toEqual([
      [
        "aws_s3_bucket_policy.Assets_Policy_944CB1C2",
        'statement "AnyDistribution" has no AWS:SourceArn condition, so any CloudFront distribution (in any account) could read through it',
      ],
    ]);
  });

  it("flags a grant to another principal", () => {
    const workspace = synthStack((s) => {
      const { assets, cdn } = assetsBehindCloudFront(s);
      assets.addPolicyStatements({
        sid: "Everyone",
        principals: [{ type: "AWS", identifiers: ["*"] }],
        actions: ["s3:GetObject"],
        resources: [`${assets.bucket.arn}/*`],
        condition: [{ test: "StringEquals", variable: "AWS:SourceArn", values: [cdn.distribution.arn] }],
      });
    });
    expect(violations(workspace, "S3-4").map(([, message]) => message)).toEqual([
      'statement "Everyone" admits AWS * (only Service cloudfront.amazonaws.com may read assets)',
    ]);
  });

  it("flags a SourceArn of a distribution in another account", () => {
    const workspace = synthStack((s) => {
      const { assets } = assetsBehindCloudFront(s);
      assets.addPolicyStatements({
        sid: "Foreign",
        principals: CLOUDFRONT,
        actions: ["s3:GetObject"],
        resources: [`${assets.bucket.arn}/*`],
        condition: [{ test: "StringEquals", variable: "AWS:SourceArn", values: ["arn:aws:cloudfront::999999999999:distribution/E123"] }],
      });
    });
    expect(violations(workspace, "S3-4").map(([, message]) => message)).toEqual([
      `statement "Foreign" limits AWS:SourceArn to "arn:aws:cloudfront::999999999999:distribution/E123", which is not this environment's distribution`,
    ]);
  });
});

describe("S3-5 state bucket versioned", () => {
  const bootstrap = sharedWorkspace("the bootstrap stacks", (app) => {
    for (const group of stateBucketGroups(ENVIRONMENTS)) new StateBootstrapStack(app, `state-${group.bucket}`, group);
  });

  it("passes the bootstrap stacks' state buckets", () => {
    expect(violations(bootstrap(), "S3-5")).toEqual([]);
  });

  it("checks the bootstrap stacks (the rule applies there)", () => {
    expect(status(bootstrap(), "S3-5", "state-acme-web-tfstate-111111111111")).toBe("passed");
  });

  it("flags an unversioned bucket named as an environment's state bucket", () => {
    const workspace = synthStack((s) => new PrivateBucket(s, "State", { bucketName: DEV.state.bucket }), "state-test");
    expect(violations(workspace, "S3-5")).toEqual([
      [
        "aws_s3_bucket.State_Bucket_23180D49",
        "state bucket acme-web-tfstate-111111111111 is not versioned (no aws_s3_bucket_versioning); a bad apply or delete could not be rolled back",
      ],
    ]);
  });

  it("does not apply to stacks without a state bucket", () => {
    expect(status(synthStack((s) => new PrivateBucket(s, "Data", { bucketName: "data-bucket" })), "S3-5")).toBe("not-applicable");
  });
});

describe("S3-6 ACLs disabled", () => {
  it("passes a PrivateBucket", () => {
    expect(violations(synthStack((s) => new PrivateBucket(s, "Data", { bucketName: "data-bucket" })), "S3-6")).toEqual([]);
  });

  it("flags a bucket that still honours ACLs", () => {
    const workspace = synthStack((s) => new S3Bucket(s, "Bucket", { bucket: "acl-bucket" }));
    expect(violations(workspace, "S3-6")).toEqual([["aws_s3_bucket.Bucket", "bucket acl-bucket still honours ACLs (object_ownership unset)"]]);
  });
});

describe("S3-7 no public ACL", () => {
  it("passes a PrivateBucket", () => {
    expect(violations(synthStack((s) => new PrivateBucket(s, "Data", { bucketName: "data-bucket" })), "S3-7")).toEqual([]);
  });

  it("flags a public-read canned ACL", () => {
    const workspace = synthStack((s) => new S3BucketAcl(s, "Acl", { bucket: new S3Bucket(s, "Bucket", { bucket: "open" }).id, acl: "public-read" }));
    expect(violations(workspace, "S3-7")).toEqual([["aws_s3_bucket_acl.Acl", 'bucket open has the canned ACL "public-read"']]);
  });

  it("flags a grant to every authenticated AWS user", () => {
    const workspace = synthStack((s) => {
      const bucket = new S3Bucket(s, "Bucket", { bucket: "shared" });
      new S3BucketAcl(s, "Acl", {
        bucket: bucket.id,
        accessControlPolicy: {
          owner: { id: "owner" },
          grant: [{ permission: "READ", grantee: { type: "Group", uri: "http://acs.amazonaws.com/groups/global/AuthenticatedUsers" } }],
        },
      });
    });
    expect(violations(workspace, "S3-7")).toEqual([["aws_s3_bucket_acl.Acl", 'bucket shared grants "READ" to AuthenticatedUsers']]);
  });
});

describe("S3-8 lifecycle aborts incomplete multipart uploads", () => {
  it("passes a PrivateBucket", () => {
    expect(violations(synthStack((s) => new PrivateBucket(s, "Data", { bucketName: "data-bucket" })), "S3-8")).toEqual([]);
  });

  it("flags a bucket without a lifecycle configuration", () => {
    expect(violations(synthStack((s) => new S3Bucket(s, "Bucket", { bucket: "forever" })), "S3-8")).toEqual([
      ["aws_s3_bucket.Bucket", "bucket forever has no enabled lifecycle rule"],
    ]);
  });

  it("flags a lifecycle configuration none of whose enabled rules aborts uploads", () => {
    const workspace = synthStack((s) => {
      const bucket = new S3Bucket(s, "Bucket", { bucket: "expiring" });
      new S3BucketLifecycleConfiguration(s, "Lifecycle", {
        bucket: bucket.id,
        rule: [{ id: "expire", status: "Enabled", filter: [{}], expiration: [{ days: 30 }] }],
      });
    });
    expect(violations(workspace, "S3-8")).toEqual([
      ["aws_s3_bucket.Bucket", "no enabled lifecycle rule of bucket expiring aborts incomplete multipart uploads, so the parts of an interrupted upload are billed forever"],
    ]);
  });

  it("flags a second lifecycle configuration for a PrivateBucket, which would overwrite the first", () => {
    const workspace = synthStack((s) => {
      const data = new PrivateBucket(s, "Data", { bucketName: "data-bucket" });
      new S3BucketLifecycleConfiguration(s, "MoreLifecycle", {
        bucket: data.bucket.id,
        rule: [{ id: "abort", status: "Enabled", filter: [{}], abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }] }],
      });
    });
    expect(violations(workspace, "S3-8").map(([, message]) => message)).toEqual([expect.stringMatching(/^bucket data-bucket has 2 lifecycle configurations/)]);
  });
});

describe("S3-9 no lockout", () => {
  it("passes PrivateBucket's conditioned TLS-only Deny", () => {
    expect(violations(synthStack((s) => new PrivateBucket(s, "Data", { bucketName: "data-bucket" })), "S3-9")).toEqual([]);
  });

  it("flags an unconditioned Deny of s3:* to everyone", () => {
    const workspace = synthStack((s) => {
      const data = new PrivateBucket(s, "Data", { bucketName: "data-bucket" });
      data.addPolicyStatements({ sid: "LockDown", effect: "Deny", principals: [{ type: "*", identifiers: ["*"] }], actions: ["s3:*"], resources: [data.bucket.arn] });
    });
    expect(violations(workspace, "S3-9")).toEqual([
      [
        "aws_s3_bucket_policy.Data_Policy_537CBD2F",
        'statement "LockDown" denies s3:* to everyone without a condition: nobody but the account\'s root user could read, fix or delete the bucket again',
      ],
    ]);
  });
});
