import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Construct } from "constructs";

export interface PrivateBucketProps {
  readonly bucketName: string;
  /**
   * Keep old object versions. Off for content-addressed assets, where a key never changes.
   * @default false
   */
  readonly versioned?: boolean;
  /**
   * Let `terraform destroy` delete the bucket while it still holds objects.
   * @default false
   */
  readonly forceDestroy?: boolean;
  /**
   * Make Terraform refuse any plan that would destroy the bucket (for state buckets).
   * @default false
   */
  readonly preventDestroy?: boolean;
  /**
   * Days after which S3 aborts a multipart upload that never completed and deletes its parts,
   * which are billed but invisible in listings (an interrupted upload leaves them behind).
   * @default 7
   */
  readonly abortIncompleteMultipartUploadDays?: number;
}

/**
 * An S3 bucket that cannot be made public: all four public-access-block settings, owner-
 * enforced object ownership (no ACLs), SSE-S3 encryption with bucket keys, a lifecycle rule
 * that aborts incomplete multipart uploads, and a TLS-only bucket policy. Reads are granted only through `addPolicyStatements` (which can be called
 * after the bucket exists, so a grant may name a distribution that itself uses the bucket).
 */
export class PrivateBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly policy: S3BucketPolicy;
  private readonly policyDocument: DataAwsIamPolicyDocument;
  private readonly statements: DataAwsIamPolicyDocumentStatement[];

  constructor(scope: Construct, id: string, props: PrivateBucketProps) {
    super(scope, id);
    this.bucket = new S3Bucket(this, "Bucket", {
      bucket: props.bucketName,
      forceDestroy: props.forceDestroy ?? false,
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
    });
    const publicAccessBlock = this.createPublicAccessBlock();
    this.createOwnershipControls();
    this.createEncryption();
    if (props.versioned) this.createVersioning();
    this.createLifecycle(props.abortIncompleteMultipartUploadDays ?? 7);
    this.statements = [this.denyInsecureTransport()];
    this.policyDocument = new DataAwsIamPolicyDocument(this, "PolicyDocument", { statement: this.statements });
    this.policy = new S3BucketPolicy(this, "Policy", {
      bucket: this.bucket.id,
      policy: this.policyDocument.json,
      // Applying a policy before the block exists can be rejected as "public".
      dependsOn: [publicAccessBlock],
    });
  }

  addPolicyStatements(...statements: DataAwsIamPolicyDocumentStatement[]): void {
    this.statements.push(...statements);
    this.policyDocument.putStatement(this.statements);
  }

  private createPublicAccessBlock(): S3BucketPublicAccessBlock {
    return new S3BucketPublicAccessBlock(this, "PublicAccessBlock", {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
  }

  private createOwnershipControls(): void {
    new S3BucketOwnershipControls(this, "OwnershipControls", {
      bucket: this.bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
  }

  private createEncryption(): void {
    new S3BucketServerSideEncryptionConfigurationA(this, "Encryption", {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
    });
  }

  private createVersioning(): void {
    new S3BucketVersioningA(this, "Versioning", {
      bucket: this.bucket.id,
      versioningConfiguration: { status: "Enabled" },
    });
  }

  /**
   * S3's recommended clean-up (S3 User Guide, "Configuring a bucket lifecycle configuration to
   * delete incomplete multipart uploads"). A bucket has one lifecycle configuration: add rules
   * here rather than a second aws_s3_bucket_lifecycle_configuration, which would overwrite it.
   *
   * The filter is `prefix = ""` (every object), not an empty `filter {}`: the provider warns
   * when a rule has neither `filter` nor `prefix` ("will be an error in a future version"), and
   * some versions also on an empty `filter {}` (aws_s3_bucket_lifecycle_configuration docs,
   * hashicorp/terraform-provider-aws#42112).
   */
  private createLifecycle(abortAfterDays: number): void {
    new S3BucketLifecycleConfiguration(this, "Lifecycle", {
      bucket: this.bucket.id,
      rule: [
        {
          id: "abort-incomplete-multipart-uploads",
          status: "Enabled",
          filter: [{ prefix: "" }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: abortAfterDays }],
        },
      ],
    });
  }

  private denyInsecureTransport(): DataAwsIamPolicyDocumentStatement {
    return {
      sid: "DenyInsecureTransport",
      effect: "Deny",
      principals: [{ type: "*", identifiers: ["*"] }],
      actions: ["s3:*"],
      resources: [this.bucket.arn, `${this.bucket.arn}/*`],
      condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
    };
  }
}
