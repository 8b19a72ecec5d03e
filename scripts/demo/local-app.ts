/**
 * Creates, in a local AWS emulator, what `cdktf deploy` would: the assets bucket, the SSR
 * function's role, the function with its first published version and alias `live`, and
 * later versions when new code is deployed. Used by the demo and the rollback benchmark;
 * never pointed at a real account.
 */
import { CreateRoleCommand, GetRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  LambdaClient,
  type Runtime,
  UpdateFunctionCodeCommand,
  waitUntilFunctionUpdatedV2,
} from "@aws-sdk/client-lambda";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { DEFAULT_LAMBDA_RUNTIME } from "../../lib/lambda-runtimes";
import { LIVE_ALIAS } from "../../lib/naming";
import { clientSettings } from "../shared/aws";

export interface LocalApp {
  readonly region: string;
  readonly bucket: string;
  readonly functionName: string;
  /** Deploys new code and publishes it as a version, as `cdktf deploy` does; returns the version. */
  publish(zip: Buffer): Promise<string>;
}

const TRUST_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

export async function createLocalApp(options: {
  readonly region: string;
  readonly bucket: string;
  readonly functionName: string;
  readonly roleName: string;
  /** The first build's code, published as version 1 with alias `live` on it. */
  readonly zip: Buffer;
  /** @default DEFAULT_LAMBDA_RUNTIME (the schema's default) */
  readonly runtime?: string;
}): Promise<LocalApp> {
  const settings = clientSettings(options.region);
  const iam = new IAMClient(settings);
  const lambda = new LambdaClient(settings);
  const s3 = new S3Client({ ...settings, forcePathStyle: true });

  const role = await iam.send(new CreateRoleCommand({ RoleName: options.roleName, AssumeRolePolicyDocument: TRUST_POLICY })).catch(async (error: unknown) => {
    if (error instanceof Error && error.name.startsWith("EntityAlreadyExists")) return iam.send(new GetRoleCommand({ RoleName: options.roleName }));
    throw error;
  });
  await s3.send(
    new CreateBucketCommand({
      Bucket: options.bucket,
      ...(options.region === "us-east-1" ? {} : { CreateBucketConfiguration: { LocationConstraint: options.region as never } }),
    }),
  );
  const created = await lambda.send(
    new CreateFunctionCommand({
      FunctionName: options.functionName,
      Runtime: (options.runtime ?? DEFAULT_LAMBDA_RUNTIME) as Runtime,
      Role: role.Role?.Arn,
      Handler: "index.handler",
      Code: { ZipFile: options.zip },
      Publish: true,
    }),
  );
  await lambda.send(new CreateAliasCommand({ FunctionName: options.functionName, Name: LIVE_ALIAS, FunctionVersion: created.Version }));

  return {
    region: options.region,
    bucket: options.bucket,
    functionName: options.functionName,
    async publish(zip) {
      const out = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: options.functionName, ZipFile: zip, Publish: true }));
      await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 30 }, { FunctionName: options.functionName });
      return out.Version ?? "";
    },
  };
}
