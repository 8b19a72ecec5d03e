/**
 * A local copy of one environment's deployment, shared by `npm run e2e:local` and
 * `npm run rehearse`: moto_server with the environment's assets bucket, and a local edge
 * (edge.ts) that routes like the distribution and answers pages and `/api/*` with the
 * version alias `live` points at in moto (alias-router.ts). `deploy(build)` does what
 * `cdktf deploy` does: the build's tables (created and seeded by its deploy-time functions),
 * its functions (published versions; the alias is created on the first deploy and never
 * moved after), and the distribution's behaviours for the build.
 *
 * Assets are synced by the caller, with the real sync-assets, before or after a deploy as
 * the scenario needs; releases and rollbacks are the real release tools'.
 */
import { CreateBucketCommand, S3Client, type BucketLocationConstraint } from "@aws-sdk/client-s3";
import { DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from "@aws-sdk/client-dynamodb";
import type { EnvironmentConfig } from "../../environments/schema";
import type { AppBuildDescription } from "../../lib/app-build/description";
import { assetsBucketName, buildTableName, functionName } from "../../lib/naming";
import { localAwsEnvironment, startMotoServer, type MotoServer } from "../local-aws/moto-server";
import { aliasRouter, lambdaReads, type AliasRouter, type Invocation } from "./alias-router";
import { startLocalEdge, type LocalEdge } from "./edge";
import { LambdaCodeStore } from "./lambda-code";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { createBuildTables, runDeploymentFunctions, type LocalResources } from "./local-build";
import { LocalFunctionDeployer, type DeployedBuild } from "./local-deploy";
import { routeTableFor, type RouteTable } from "./routes";
import { s3AssetsOrigin } from "./s3-origin";

export interface LocalDeploymentOptions {
  readonly env: EnvironmentConfig;
  /** The build whose behaviours the edge routes by until another is deployed. */
  readonly build: AppBuildDescription;
  /** Progress notes. */
  readonly log: (line: string) => void;
  /** The functions' own output. @default log */
  readonly functionLog?: (line: string) => void;
  /** Every request the edge answers, one line each. @default none */
  readonly requestLog?: (line: string) => void;
  /** Called as the edge dispatches each invocation, with the version the alias chose. */
  readonly onInvoke?: (invocation: Invocation) => void;
}

export interface LocalDeployment {
  /** The edge, e.g. http://127.0.0.1:40123 */
  readonly url: string;
  readonly endpoint: string;
  readonly bucket: string;
  /** The emulator's endpoint and credentials, for the tools run against it. */
  readonly awsEnvironment: NodeJS.ProcessEnv;
  /** The behaviours the edge routes by now: the last deployed build's. */
  routes(): RouteTable;
  /** What `cdktf deploy` does for this build; returns the version of each function. */
  deploy(build: AppBuildDescription): Promise<DeployedBuild>;
  stop(): Promise<void>;
}

export async function startLocalDeployment(options: LocalDeploymentOptions): Promise<LocalDeployment> {
  const { env } = options;
  const moto: MotoServer = await startMotoServer();
  const stops: (() => Promise<unknown> | void)[] = [() => moto.stop()];
  const stop = async () => {
    for (const step of stops.reverse()) await Promise.resolve(step()).catch(() => {});
  };
  try {
    const awsEnvironment = localAws(moto.endpoint, env.account.region);
    const bucket = assetsBucketName(env);
    const resources: LocalResources = { endpoint: moto.endpoint, region: env.account.region, bucket, env };
    const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };
    const s3 = new S3Client({ endpoint: moto.endpoint, region: env.account.region, forcePathStyle: true, credentials });
    const lambda = new LambdaClient({ endpoint: moto.endpoint, region: env.account.region, credentials });
    const dynamodb = new DynamoDBClient({ endpoint: moto.endpoint, region: env.account.region, credentials });
    stops.push(() => s3.destroy(), () => lambda.destroy(), () => dynamodb.destroy());
    await s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        ...(env.account.region === "us-east-1" ? {} : { CreateBucketConfiguration: { LocationConstraint: env.account.region as BucketLocationConstraint } }),
      }),
    );

    const code = new LambdaCodeStore();
    const deployer = new LocalFunctionDeployer(env, resources, code);
    stops.push(() => deployer.destroy());
    let current = options.build;
    const router: AliasRouter = aliasRouter({
      lambda: lambdaReads(lambda),
      code,
      functionName: (id) => (current.functions.some((fn) => fn.id === id) ? functionName(env, id) : undefined),
      awsEnvironment: stringValues(awsEnvironment, ["AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_DEFAULT_REGION"]),
      log: options.functionLog ?? options.log,
      ...(options.onInvoke ? { onInvoke: options.onInvoke } : {}),
    });
    stops.push(() => router.stop());
    const edge: LocalEdge = await startLocalEdge({
      assets: s3AssetsOrigin(s3, bucket),
      handler: router,
      routes: () => routeTableFor(current),
      ...(options.requestLog ? { log: options.requestLog } : {}),
    });
    stops.push(() => edge.stop());

    return {
      url: edge.url,
      endpoint: moto.endpoint,
      bucket,
      awsEnvironment,
      routes: () => routeTableFor(current),
      async deploy(build) {
        await createMissingTables(dynamodb, build, resources);
        runDeploymentFunctions(build, resources, awsEnvironment);
        const deployed = await deployer.deploy(build);
        current = build;
        return deployed;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The build's tables that do not exist yet (a second build of the same app reuses them). */
async function createMissingTables(client: DynamoDBClient, build: AppBuildDescription, resources: LocalResources): Promise<void> {
  const missing = [];
  for (const table of build.tables) {
    const exists = await client.send(new DescribeTableCommand({ TableName: buildTableName(resources.env, table.id) })).then(
      () => true,
      (error: unknown) => {
        if (error instanceof ResourceNotFoundException) return false;
        throw error;
      },
    );
    if (!exists) missing.push(table);
  }
  await createBuildTables({ ...build, tables: missing }, resources);
}

/** The caller's environment pointed at the emulator (in the environment's region), without any real AWS profile or session. */
function localAws(endpoint: string, region: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...localAwsEnvironment(endpoint), AWS_REGION: region, AWS_DEFAULT_REGION: region };
  delete env.AWS_PROFILE;
  delete env.AWS_SESSION_TOKEN;
  return env;
}

function stringValues(env: NodeJS.ProcessEnv, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.flatMap((name) => (env[name] === undefined ? [] : [[name, env[name]!]])));
}
