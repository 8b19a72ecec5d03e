/**
 * What `cdktf deploy` does to the app's functions, done on moto: every function of the build
 * created as the app stack declares it (name, role, handler, runtime, architecture, memory,
 * timeout, environment; `publish = true`), alias `live` on the first version, an alarm on
 * each function (the canary refuses to shift traffic no alarm watches); and on every later
 * deploy, a function whose package or configuration changed gets its new code and a new
 * published version while the alias stays where it is. An unchanged function publishes
 * nothing, as Terraform plans no change for it.
 *
 * Every package uploaded is registered in the code store, so the edge can run the version
 * moto names (lambda-code.ts says why the bytes cannot come back from moto itself).
 */
import { CloudWatchClient, PutMetricAlarmCommand } from "@aws-sdk/client-cloudwatch";
import { CreateRoleCommand, GetRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  GetFunctionCommand,
  LambdaClient,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  ResourceNotFoundException,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
  type Architecture,
  type Runtime,
} from "@aws-sdk/client-lambda";
import { readFileSync } from "node:fs";
import type { EnvironmentConfig } from "../../environments/schema";
import { SERVER_FUNCTION_ID, type AppBuildDescription, type AppFunction } from "../../lib/app-build/description";
import { DEFAULT_PACKAGE_CACHE_DIR, packageFunction } from "../../lib/app-build/package";
import { alarmName, functionName, functionRoleName, LIVE_ALIAS, tableName } from "../../lib/naming";
import { clientSettings } from "../shared/aws";
import type { LambdaCodeStore } from "./lambda-code";
import { localEnvironment, type LocalResources } from "./local-build";

/** One function as the app stack declares it (stacks/app-stack.ts createFunctions). */
export interface FunctionSpec {
  readonly id: string;
  readonly functionName: string;
  readonly roleName: string;
  readonly handler: string;
  readonly runtime: string;
  readonly architecture: "arm64" | "x86_64";
  readonly memoryMiB: number;
  readonly timeoutSeconds: number;
  readonly environment: Readonly<Record<string, string>>;
}

/**
 * The stack's declaration of `fn`, with references resolved to the local resources. The
 * server gets the configured variables and table names, every function APP_ENV and what its
 * build asks for (AppStack.environmentOf); __tests__ compare this with the synthesized stack.
 */
export function functionSpec(env: EnvironmentConfig, build: AppBuildDescription, fn: AppFunction, resources: LocalResources): FunctionSpec {
  const isServer = fn.id === SERVER_FUNCTION_ID;
  const fromBuild = localEnvironment(build, fn, resources);
  const configured = isServer
    ? {
        ...env.ssr.environment,
        ...Object.fromEntries(env.tables.map((table) => [`TABLE_${table.name.toUpperCase().replace(/-/g, "_")}`, tableName(env, table.name)])),
      }
    : {};
  return {
    id: fn.id,
    functionName: functionName(env, fn.id),
    roleName: functionRoleName(env, fn.id),
    handler: fn.handler,
    runtime: env.ssr.runtime,
    architecture: fn.architecture ?? env.ssr.architecture,
    memoryMiB: isServer ? env.ssr.memoryMiB : (fn.memoryMiB ?? env.ssr.memoryMiB),
    timeoutSeconds: isServer ? env.ssr.timeoutSeconds : (fn.timeoutSeconds ?? env.ssr.timeoutSeconds),
    environment: { ...configured, ...fromBuild, APP_ENV: env.name },
  };
}

/** The published version each function of a build got (or kept, when it did not change). */
export interface DeployedBuild {
  readonly versions: Readonly<Record<string, string>>;
  /** Functions that got a new version. */
  readonly published: readonly string[];
}

const TRUST_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

export class LocalFunctionDeployer {
  private readonly lambda: LambdaClient;
  private readonly iam: IAMClient;
  private readonly cloudwatch: CloudWatchClient;

  constructor(
    private readonly env: EnvironmentConfig,
    private readonly resources: LocalResources,
    private readonly code: LambdaCodeStore,
    private readonly packageCacheDir: string = DEFAULT_PACKAGE_CACHE_DIR,
  ) {
    // Only ever an emulator: its dummy credentials, never the caller's.
    const settings = { ...clientSettings(resources.region), endpoint: resources.endpoint, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } };
    this.lambda = new LambdaClient(settings);
    this.iam = new IAMClient(settings);
    this.cloudwatch = new CloudWatchClient(settings);
  }

  /** Deploys every function of `build`; functions run one after another, as small as moto likes. */
  async deploy(build: AppBuildDescription): Promise<DeployedBuild> {
    const versions: Record<string, string> = {};
    const published: string[] = [];
    for (const fn of build.functions) {
      const spec = functionSpec(this.env, build, fn, this.resources);
      const zipFile = packageFunction(fn.bundleDir, this.packageCacheDir, `${fn.id}.zip`);
      const digest = this.code.register(zipFile);
      // Unpacked now, not on the first request the new version gets.
      this.code.unpacked(digest);
      const result = await this.deployFunction(spec, zipFile, digest);
      versions[fn.id] = result.version;
      if (result.published) published.push(fn.id);
    }
    return { versions, published };
  }

  destroy(): void {
    this.lambda.destroy();
    this.iam.destroy();
    this.cloudwatch.destroy();
  }

  private async deployFunction(spec: FunctionSpec, zipFile: string, digest: string): Promise<{ version: string; published: boolean }> {
    const existing = await this.lambda.send(new GetFunctionCommand({ FunctionName: spec.functionName })).catch((error: unknown) => {
      if (error instanceof ResourceNotFoundException) return undefined;
      throw error;
    });
    if (!existing) return { version: await this.create(spec, zipFile), published: true };

    const latest = existing.Configuration;
    const configChanged = latest?.Handler !== spec.handler || !sameVariables(latest?.Environment?.Variables ?? {}, spec.environment);
    const codeChanged = latest?.CodeSha256 !== digest;
    if (configChanged) {
      await this.lambda.send(
        new UpdateFunctionConfigurationCommand({ FunctionName: spec.functionName, Handler: spec.handler, Environment: { Variables: { ...spec.environment } } }),
      );
      await waitUntilFunctionUpdatedV2({ client: this.lambda, maxWaitTime: 60 }, { FunctionName: spec.functionName });
    }
    if (codeChanged) {
      const out = await this.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: spec.functionName, ZipFile: readFileSync(zipFile), Publish: true }));
      await waitUntilFunctionUpdatedV2({ client: this.lambda, maxWaitTime: 60 }, { FunctionName: spec.functionName });
      return { version: out.Version ?? "", published: true };
    }
    if (configChanged) {
      const out = await this.lambda.send(new PublishVersionCommand({ FunctionName: spec.functionName }));
      return { version: out.Version ?? "", published: true };
    }
    return { version: await this.newestVersion(spec.functionName), published: false };
  }

  private async create(spec: FunctionSpec, zipFile: string): Promise<string> {
    const role = await this.iam.send(new CreateRoleCommand({ RoleName: spec.roleName, AssumeRolePolicyDocument: TRUST_POLICY })).catch(async (error: unknown) => {
      if (error instanceof Error && error.name.startsWith("EntityAlreadyExists")) return this.iam.send(new GetRoleCommand({ RoleName: spec.roleName }));
      throw error;
    });
    const created = await this.lambda.send(
      new CreateFunctionCommand({
        FunctionName: spec.functionName,
        Role: role.Role?.Arn,
        Runtime: spec.runtime as Runtime,
        Handler: spec.handler,
        Architectures: [spec.architecture as Architecture],
        MemorySize: spec.memoryMiB,
        Timeout: spec.timeoutSeconds,
        Environment: { Variables: { ...spec.environment } },
        Code: { ZipFile: readFileSync(zipFile) },
        Publish: true,
      }),
    );
    const version = created.Version ?? "1";
    await this.lambda.send(new CreateAliasCommand({ FunctionName: spec.functionName, Name: LIVE_ALIAS, FunctionVersion: version }));
    // The stack's alarms watch each function by its FunctionName dimension; one is enough for
    // the canary to see the function is watched (moto never moves it out of its first state).
    await this.cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: alarmName(this.env, `${spec.id === SERVER_FUNCTION_ID ? "ssr" : spec.id}-errors`),
        Namespace: "AWS/Lambda",
        MetricName: "Errors",
        Dimensions: [{ Name: "FunctionName", Value: spec.functionName }],
        Statistic: "Sum",
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: "GreaterThanOrEqualToThreshold",
        TreatMissingData: "notBreaching",
      }),
    );
    return version;
  }

  /** The newest published version (what Terraform's `version` attribute shows). */
  private async newestVersion(name: string): Promise<string> {
    let newest = 0;
    let marker: string | undefined;
    do {
      const page = await this.lambda.send(new ListVersionsByFunctionCommand({ FunctionName: name, Marker: marker }));
      for (const v of page.Versions ?? []) if (v.Version && /^\d+$/.test(v.Version)) newest = Math.max(newest, Number(v.Version));
      marker = page.NextMarker;
    } while (marker);
    return String(newest);
  }
}

function sameVariables(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}
