import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Backend, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../environments/schema";
import { stackId, stateKey, type StackKind } from "../lib/naming";
import { standardTags } from "../lib/tags";

/**
 * The AWS provider every environment stack requires. The typed bindings
 * (@cdktf/provider-aws 21.22.1) are generated from provider 6.25 and pin that version; 6.29
 * added `invoked_via_function_url` to aws_lambda_permission, which the distribution stack sets
 * through an override. Arguments the bindings know are unchanged between the two.
 */
export const AWS_PROVIDER_VERSION = "6.29.0";

export interface EnvironmentStackProps {
  readonly env: EnvironmentConfig;
  /**
   * Region of the stack's AWS provider.
   * @default env.account.region
   */
  readonly providerRegion?: string;
}

/**
 * What every stack of an environment shares: its remote state (one S3 key per env and
 * stack, encrypted, locked) and an AWS provider pinned to the environment's account with
 * the standard tags on every resource.
 */
export abstract class EnvironmentStack extends TerraformStack {
  readonly env: EnvironmentConfig;

  protected constructor(scope: Construct, kind: StackKind, props: EnvironmentStackProps) {
    super(scope, stackId(props.env, kind));
    this.env = props.env;
    this.configureBackend(kind);
    new AwsProvider(this, "Aws", {
      region: props.providerRegion ?? props.env.account.region,
      // A mistyped profile cannot deploy prod resources into the dev account.
      allowedAccountIds: [props.env.account.id],
      defaultTags: [{ tags: standardTags(props.env, kind) }],
    });
    this.addOverride("terraform.required_providers.aws.version", AWS_PROVIDER_VERSION);
  }

  private configureBackend(kind: StackKind): void {
    const { state } = this.env;
    new S3Backend(this, {
      bucket: state.bucket,
      key: stateKey(this.env, kind),
      region: state.region,
      encrypt: true,
      dynamodbTable: state.lockTable,
    });
    // S3-native locking (Terraform >= 1.10). cdktf 0.21 has no typed field for it.
    this.addOverride("terraform.backend.s3.use_lockfile", true);
  }
}
