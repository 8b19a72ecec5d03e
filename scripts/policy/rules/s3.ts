/**
 * S3: public access blocks, encryption, TLS-only and CloudFront-only bucket policies, state
 * versioning, ACLs, lifecycle (incomplete multipart uploads), no lockout.
 */
import { assetsBucketName } from "../../../lib/naming";
import { literalString, referencesIn } from "../expressions";
import { conditionsOn, isAnyone, readPolicy, type PolicyStatement } from "../iam";
import { asBlock, asBlocks, asNumber, dig, type SynthesizedStack, type TfResource } from "../model";
import { checkEach, show, type Finding, type Rule, type RuleContext } from "../rule";

const PUBLIC_ACCESS_SETTINGS = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"];
const SSE_ALGORITHMS = ["AES256", "aws:kms", "aws:kms:dsse"];
const CLOUDFRONT_SERVICE = "cloudfront.amazonaws.com";

export const s3PublicAccessBlock: Rule = {
  id: "S3-1",
  severity: "error",
  title: "Every S3 bucket has a public access block with all four settings on",
  controls: { checkov: ["CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56", "CKV2_AWS_6"], securityHub: ["S3.8"] },
  fix: "Create the bucket with modules/private-bucket.ts (PrivateBucket), or add an aws_s3_bucket_public_access_block with block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets all true.",
  check: ({ stack }) => {
    const accountBlock = stack
      .resourcesOfType("aws_s3_account_public_access_block")
      .find((block) => PUBLIC_ACCESS_SETTINGS.every((key) => block.config[key] === true));
    return checkEach(buckets(stack), "no S3 buckets in this stack", (bucket) => {
      if (accountBlock) return undefined;
      const blocks = companions(stack, "aws_s3_bucket_public_access_block", bucket);
      if (blocks.length === 0) {
        return { resource: bucket.address, message: `bucket ${describeBucket(bucket)} has no aws_s3_bucket_public_access_block` };
      }
      return blocks.flatMap((block) => {
        const off = PUBLIC_ACCESS_SETTINGS.filter((key) => block.config[key] !== true);
        return off.length === 0
          ? []
          : [{ resource: block.address, message: `public access block of ${describeBucket(bucket)} leaves ${off.map((k) => `${k}=${show(block.config[k])}`).join(", ")}` }];
      });
    });
  },
};

export const s3Encryption: Rule = {
  id: "S3-2",
  severity: "error",
  title: "Every S3 bucket has default server-side encryption",
  controls: { checkov: ["CKV_AWS_19"] },
  fix: "Add an aws_s3_bucket_server_side_encryption_configuration (PrivateBucket does: SSE-S3 with bucket keys).",
  check: ({ stack }) =>
    checkEach(buckets(stack), "no S3 buckets in this stack", (bucket) => {
      const legacy = algorithmsOf(bucket.config.server_side_encryption_configuration);
      const configs = companions(stack, "aws_s3_bucket_server_side_encryption_configuration", bucket);
      const algorithms = [...legacy, ...configs.flatMap((c) => algorithmsOf(c.config))];
      if (algorithms.length === 0) {
        return { resource: bucket.address, message: `bucket ${describeBucket(bucket)} has no default encryption configuration` };
      }
      const unknown = algorithms.filter((a) => !SSE_ALGORITHMS.some((known) => known === a));
      return unknown.length === 0
        ? undefined
        : { resource: bucket.address, message: `bucket ${describeBucket(bucket)} sets sse_algorithm ${unknown.map(show).join(", ")} (expected one of ${SSE_ALGORITHMS.join(", ")})` };
    }),
};

export const s3DenyInsecureTransport: Rule = {
  id: "S3-3",
  severity: "error",
  title: "Every S3 bucket policy denies requests without TLS (aws:SecureTransport = false) on the bucket and its objects",
  controls: { securityHub: ["S3.5"] },
  fix: 'Add a Deny statement for principal "*", action s3:*, resources <bucket arn> and <bucket arn>/*, condition Bool aws:SecureTransport = "false" (PrivateBucket always adds it).',
  check: ({ stack }) =>
    checkEach(buckets(stack), "no S3 buckets in this stack", (bucket) => {
      const policies = companions(stack, "aws_s3_bucket_policy", bucket);
      if (policies.length === 0) {
        return { resource: bucket.address, message: `bucket ${describeBucket(bucket)} has no bucket policy, so nothing denies plain-HTTP requests` };
      }
      const statements: PolicyStatement[] = [];
      for (const policy of policies) {
        const read = readPolicy(stack, policy.config.policy);
        if (!read.ok) return { resource: policy.address, message: `cannot check the policy: ${read.reason}`, fix: "Build the policy with an aws_iam_policy_document data source." };
        statements.push(...read.statements);
      }
      const denials = statements.filter(deniesInsecureTransport);
      const coverage = covers(denials.flatMap((s) => s.resources), bucket);
      const missing = [coverage.bucket ? [] : ["the bucket ARN"], coverage.objects ? [] : ["its objects (<arn>/*)"]].flat();
      if (denials.length === 0) {
        return { resource: policies[0].address, message: `policy of ${describeBucket(bucket)} has no Deny for aws:SecureTransport = false` };
      }
      return missing.length === 0
        ? undefined
        : { resource: policies[0].address, message: `the TLS-only Deny of ${describeBucket(bucket)} does not cover ${missing.join(" or ")}` };
    }),
};

export const s3AssetsOnlyCloudFront: Rule = {
  id: "S3-4",
  severity: "error",
  title: "The assets bucket policy admits only the CloudFront service principal, for this environment's distribution (AWS:SourceArn), to s3:GetObject (and s3:ListBucket on the bucket itself)",
  controls: {},
  fix: "Grant reads only through PrivateBucket.addPolicyStatements with principal Service cloudfront.amazonaws.com, action s3:GetObject (s3:ListBucket on the bucket ARN, so a missing asset is a 404) and a StringEquals AWS:SourceArn condition on this environment's distribution ARN (see stacks/distribution-stack.ts).",
  check: (context) => {
    const { stack } = context;
    const assets = assetBuckets(context);
    return checkEach(assets, "no assets bucket (no S3 bucket is a CloudFront origin or named as the assets bucket)", (bucket) =>
      companions(stack, "aws_s3_bucket_policy", bucket).flatMap((policy): Finding[] => {
        const read = readPolicy(stack, policy.config.policy);
        if (!read.ok) return [{ resource: policy.address, message: `cannot check the policy: ${read.reason}`, fix: "Build the policy with an aws_iam_policy_document data source." }];
        return read.statements
          .filter((s) => s.effect === "Allow")
          .flatMap((s) => allowProblems(context, bucket, s).map((problem) => ({ resource: policy.address, message: `statement ${s.sid ? `"${s.sid}"` : "(no sid)"} ${problem}` })));
      }),
    );
  },
};

export const s3StateBucketVersioned: Rule = {
  id: "S3-5",
  severity: "error",
  title: "The Terraform state bucket (named as some environment's state.bucket) is versioned",
  controls: { checkov: ["CKV_AWS_21"], securityHub: ["S3.14"] },
  fix: 'Add an aws_s3_bucket_versioning with versioning_configuration.status = "Enabled" for the state bucket in the bootstrap stack.',
  check: ({ stack, environments }) => {
    // Compared as written: a state bucket's name is a literal (the environment schema checks it), which no expression equals.
    const stateBuckets = new Set<unknown>(environments.map((e) => e.state.bucket));
    const candidates = buckets(stack).filter((b) => stateBuckets.has(b.config.bucket));
    return checkEach(candidates, "no state bucket in this stack", (bucket) => {
      const legacy = dig(bucket.config, "versioning", "enabled") === true;
      const versioning = companions(stack, "aws_s3_bucket_versioning", bucket);
      const enabled = legacy || versioning.some((v) => dig(v.config, "versioning_configuration", "status") === "Enabled");
      if (enabled) return undefined;
      const seen = versioning.map((v) => show(dig(v.config, "versioning_configuration", "status")));
      return {
        resource: bucket.address,
        message: `state bucket ${describeBucket(bucket)} is not versioned (${seen.length ? `status ${seen.join(", ")}` : "no aws_s3_bucket_versioning"}); a bad apply or delete could not be rolled back`,
      };
    });
  },
};

export const s3NoAcls: Rule = {
  id: "S3-6",
  severity: "error",
  title: "Every S3 bucket disables ACLs (object ownership BucketOwnerEnforced)",
  controls: { checkov: ["CKV2_AWS_65"], securityHub: ["S3.12"] },
  fix: 'Add an aws_s3_bucket_ownership_controls with rule.object_ownership = "BucketOwnerEnforced" (PrivateBucket does).',
  check: ({ stack }) =>
    checkEach(buckets(stack), "no S3 buckets in this stack", (bucket) => {
      const controls = companions(stack, "aws_s3_bucket_ownership_controls", bucket);
      const ownership = controls.map((c) => dig(c.config, "rule", "object_ownership"));
      return ownership.includes("BucketOwnerEnforced")
        ? undefined
        : { resource: bucket.address, message: `bucket ${describeBucket(bucket)} still honours ACLs (object_ownership ${ownership.length ? ownership.map(show).join(", ") : "unset"})` };
    }),
};

/** Canned ACLs that grant everyone (or every AWS account) access. */
const PUBLIC_CANNED_ACLS = ["public-read", "public-read-write", "authenticated-read"];
/** ACL grantee groups for everyone and for every authenticated AWS user. */
const PUBLIC_GRANTEE = /acs\.amazonaws\.com\/groups\/global\/(AllUsers|AuthenticatedUsers)$/;

export const s3NoPublicAcl: Rule = {
  id: "S3-7",
  severity: "error",
  title: "No S3 bucket grants read or write to everyone (or every AWS account) through an ACL",
  controls: { checkov: ["CKV_AWS_20", "CKV_AWS_57"], securityHub: ["S3.2", "S3.3"] },
  fix: "Drop the ACL (PrivateBucket disables ACLs with BucketOwnerEnforced) and grant access through a bucket policy with a condition, as the assets bucket does for CloudFront.",
  check: ({ stack }) =>
    checkEach(buckets(stack), "no S3 buckets in this stack", (bucket) => {
      const acls = [
        { resource: bucket, acl: bucket.config.acl, grants: asBlocks(bucket.config.grant) },
        ...companions(stack, "aws_s3_bucket_acl", bucket).map((acl) => ({
          resource: acl,
          acl: acl.config.acl,
          grants: asBlocks(asBlock(acl.config.access_control_policy)?.grant),
        })),
      ];
      return acls.flatMap(({ resource, acl, grants }): Finding[] => {
        const findings: Finding[] = [];
        if (PUBLIC_CANNED_ACLS.some((canned) => canned === acl)) {
          findings.push({ resource: resource.address, message: `bucket ${describeBucket(bucket)} has the canned ACL ${show(acl)}` });
        }
        for (const grant of grants) {
          // The grantee block's uri (aws_s3_bucket_acl) or the grant's own (aws_s3_bucket's inline grant); String(undefined) matches no group.
          const match = PUBLIC_GRANTEE.exec(String(asBlock(grant.grantee)?.uri ?? grant.uri));
          if (match) findings.push({ resource: resource.address, message: `bucket ${describeBucket(bucket)} grants ${show(grant.permission ?? grant.permissions)} to ${match[1]}` });
        }
        return findings;
      });
    }),
};

export const s3LifecycleAbortsUploads: Rule = {
  id: "S3-8",
  severity: "error",
  title: "Every S3 bucket has one lifecycle configuration, with an enabled rule that aborts incomplete multipart uploads",
  controls: { checkov: ["CKV2_AWS_61", "CKV_AWS_300"] },
  fix: "Create the bucket with PrivateBucket (a rule aborting incomplete multipart uploads after abortIncompleteMultipartUploadDays, 7 by default); add further lifecycle rules to that one configuration, never a second aws_s3_bucket_lifecycle_configuration (S3 keeps only the last one applied).",
  check: ({ stack }) =>
    checkEach(buckets(stack), "no S3 buckets in this stack", (bucket): Finding | undefined => {
      const configurations = companions(stack, "aws_s3_bucket_lifecycle_configuration", bucket);
      const where = { resource: bucket.address };
      if (configurations.length > 1) {
        return { ...where, message: `bucket ${describeBucket(bucket)} has ${configurations.length} lifecycle configurations (${configurations.map((c) => c.address).join(", ")}); S3 keeps one, so each apply overwrites the other` };
      }
      const legacy = asBlocks(bucket.config.lifecycle_rule).filter((r) => r.enabled === true);
      const rules = asBlocks(configurations[0]?.config.rule).filter((r) => r.status === "Enabled");
      if (legacy.length === 0 && rules.length === 0) {
        return { ...where, message: `bucket ${describeBucket(bucket)} has no enabled lifecycle rule${configurations.length ? ` (${configurations[0].address} has none with status "Enabled")` : ""}` };
      }
      const aborts =
        legacy.some((r) => !Number.isNaN(asNumber(r.abort_incomplete_multipart_upload_days))) ||
        rules.some((r) => !Number.isNaN(asNumber(dig(r, "abort_incomplete_multipart_upload", "days_after_initiation"))));
      return aborts
        ? undefined
        : { ...where, message: `no enabled lifecycle rule of bucket ${describeBucket(bucket)} aborts incomplete multipart uploads, so the parts of an interrupted upload are billed forever` };
    }),
};

export const s3NoLockout: Rule = {
  id: "S3-9",
  severity: "error",
  title: "No bucket policy denies every action to everyone without a condition (a lockout only the root user can undo)",
  controls: { checkov: ["CKV_AWS_93"] },
  fix: "Give the Deny a condition (aws:SecureTransport, aws:PrincipalArn, …) or narrow its actions; PrivateBucket's TLS-only Deny is conditioned on aws:SecureTransport = false.",
  check: ({ stack }) =>
    checkEach(stack.resourcesOfType("aws_s3_bucket_policy"), "no bucket policies in this stack", (policy): Finding[] => {
      const read = readPolicy(stack, policy.config.policy);
      if (!read.ok) return [{ resource: policy.address, message: `cannot check the policy: ${read.reason}`, fix: "Build the policy with an aws_iam_policy_document data source." }];
      return read.statements
        .filter((s) => s.effect === "Deny" && s.conditions.length === 0 && (s.principals.some(isAnyone) || s.notPrincipals.length > 0))
        .filter((s) => s.notActions.length > 0 || s.actions.some((a) => a === "*" || a.toLowerCase() === "s3:*"))
        .map((s) => ({
          resource: policy.address,
          message: `statement ${s.sid ? `"${s.sid}"` : "(no sid)"} denies ${s.notActions.length ? `everything but ${s.notActions.join(", ")}` : s.actions.join(", ")} to ${s.notPrincipals.length ? "everyone not listed (NotPrincipal)" : "everyone"} without a condition: nobody but the account's root user could read, fix or delete the bucket again`,
        }));
    }),
};

export const S3_RULES: readonly Rule[] = [
  s3PublicAccessBlock,
  s3Encryption,
  s3DenyInsecureTransport,
  s3AssetsOnlyCloudFront,
  s3StateBucketVersioned,
  s3NoAcls,
  s3NoPublicAcl,
  s3LifecycleAbortsUploads,
  s3NoLockout,
];

function buckets(stack: SynthesizedStack): TfResource[] {
  return stack.resourcesOfType("aws_s3_bucket");
}

function describeBucket(bucket: TfResource): string {
  return literalString(bucket.config.bucket) ?? bucket.address;
}

/** Companion resources (`aws_s3_bucket_*`) whose `bucket` attribute names this bucket. */
export function companions(stack: SynthesizedStack, type: string, bucket: TfResource): TfResource[] {
  const name = literalString(bucket.config.bucket);
  return stack
    .resourcesOfType(type)
    .filter((r) => referencesIn(r.config.bucket).some((ref) => ref.address === bucket.address) || (name !== undefined && r.config.bucket === name));
}

function algorithmsOf(config: unknown): unknown[] {
  return asBlocks(asBlock(config)?.rule).map((rule) => dig(rule, "apply_server_side_encryption_by_default", "sse_algorithm"));
}

/**
 * A Deny of every S3 action to everyone when the request is plain HTTP: `Bool aws:SecureTransport
 * false`, or `NumericLessThan s3:TlsVersion`, which AWS also gives for enforcing HTTPS (Knowledge
 * Center "s3-enforce-modern-tls"; CIS AWS Foundations 3.1.1 accepts either).
 */
function deniesInsecureTransport(s: PolicyStatement): boolean {
  const tlsCondition =
    conditionsOn(s, "aws:SecureTransport").some((c) => c.test === "Bool" && c.values.includes("false")) ||
    conditionsOn(s, "s3:TlsVersion").some((c) => c.test === "NumericLessThan");
  return s.effect === "Deny" && s.principals.some(isAnyone) && s.actions.some((a) => a === "s3:*" || a === "*") && tlsCondition;
}

/** How a policy in the bucket's stack spells its ARN: the reference, or the literal ARN. */
function bucketArns(bucket: TfResource): string[] {
  const name = literalString(bucket.config.bucket);
  return [`\${${bucket.address}.arn}`, ...(name ? [`arn:aws:s3:::${name}`] : [])];
}

function covers(resources: readonly string[], bucket: TfResource): { bucket: boolean; objects: boolean } {
  const arns = bucketArns(bucket);
  return {
    bucket: resources.some((r) => arns.includes(r)),
    objects: resources.some((r) => arns.some((arn) => r === `${arn}/*`)),
  };
}

/**
 * Buckets of this stack that serve assets: S3 origins of any distribution in the workspace
 * (references followed across stacks), or named as the environment's assets bucket.
 */
function assetBuckets({ stack, workspace, env }: RuleContext): TfResource[] {
  const origins = new Set<string>();
  for (const other of workspace.stacks) {
    for (const distribution of other.resourcesOfType("aws_cloudfront_distribution")) {
      for (const origin of asBlocks(distribution.config.origin)) {
        for (const target of workspace.targets(other, origin.domain_name)) {
          // Any type: only this stack's buckets are looked up below, by address.
          if (target.stack === stack) origins.add(target.resource.address);
        }
      }
    }
  }
  const assetsName = env ? assetsBucketName(env) : undefined;
  return buckets(stack).filter((b) => origins.has(b.address) || (assetsName !== undefined && b.config.bucket === assetsName));
}

/** Why an Allow statement of an assets bucket policy admits more than this environment's CloudFront reading assets. */
function allowProblems(context: RuleContext, bucket: TfResource, s: PolicyStatement): string[] {
  const problems: string[] = [...actionProblems(bucket, s)];
  if (s.notPrincipals.length > 0) problems.push("uses NotPrincipal, which admits everyone not listed");
  const others = s.principals.filter((p) => !(p.type === "Service" && p.identifiers.every((id) => id === CLOUDFRONT_SERVICE)));
  if (s.principals.length === 0 && s.notPrincipals.length === 0) problems.push("names no principal");
  for (const p of others) problems.push(`admits ${p.type} ${p.identifiers.join(", ")} (only Service ${CLOUDFRONT_SERVICE} may read assets)`);

  const sourceArn = conditionsOn(s, "AWS:SourceArn").filter((c) => ["StringEquals", "ArnEquals", "StringLike", "ArnLike"].includes(c.test));
  if (sourceArn.length === 0) {
    problems.push("has no AWS:SourceArn condition, so any CloudFront distribution (in any account) could read through it");
  } else {
    const values = sourceArn.flatMap((c) => c.values);
    const foreign = values.filter((value) => !isOwnDistribution(context, value));
    if (values.length === 0) problems.push("has an empty AWS:SourceArn condition");
    for (const value of foreign) problems.push(`limits AWS:SourceArn to ${show(value)}, which is not this environment's distribution`);
  }
  return problems;
}

/**
 * CloudFront reads objects (s3:GetObject) and, so that a missing asset answers 404 instead of
 * 403, lists the bucket (s3:ListBucket on the bucket ARN itself). Anything else would let a
 * viewer request write, delete or re-permission through the distribution's identity.
 */
function actionProblems(bucket: TfResource, s: PolicyStatement): string[] {
  const problems: string[] = [];
  if (s.notActions.length > 0) problems.push(`grants every action except ${s.notActions.join(", ")} (NotAction); CloudFront may only s3:GetObject`);
  const others = s.actions.filter((a) => !["s3:getobject", "s3:listbucket"].includes(a.toLowerCase()));
  if (others.length > 0) problems.push(`grants ${others.join(", ")}; CloudFront may only s3:GetObject (and s3:ListBucket on the bucket itself)`);
  if (s.actions.some((a) => a.toLowerCase() === "s3:listbucket")) {
    const arns = bucketArns(bucket);
    const elsewhere = s.resources.filter((r) => !arns.includes(r));
    if (elsewhere.length > 0) problems.push(`grants s3:ListBucket on ${elsewhere.map(show).join(", ")}; CloudFront may list only the bucket itself (${arns[0]})`);
  }
  return problems;
}

function isOwnDistribution({ stack, workspace, env, environmentOf }: RuleContext, value: string): boolean {
  const literal = literalString(value);
  if (literal !== undefined) {
    return env !== undefined && new RegExp(`^arn:aws:cloudfront::${env.account.id}:distribution/[A-Z0-9]+$`).test(literal);
  }
  const resolutions = workspace.resolve(stack, value);
  return (
    resolutions.length > 0 &&
    resolutions.every(
      (r) =>
        r.kind === "target" &&
        r.resource?.type === "aws_cloudfront_distribution" &&
        r.reference.attribute === "arn" &&
        (r.stack === stack || (env !== undefined && environmentOf(r.stack)?.name === env.name)),
    ) &&
    // The value must be exactly the ARN, not a pattern built around it.
    /^\$\{[^{}]+\}$/.test(value)
  );
}
