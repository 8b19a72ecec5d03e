/**
 * The deploy step on moto: it declares each function as the app stack does (compared with the
 * synthesized stack, so the two cannot drift apart silently), creates alias live on the first
 * version, and later publishes a new version only for a changed function, never moving the alias.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { GetAliasCommand, GetFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { findEnvironment, loadEnvironments } from "../../../environments";
import type { EnvironmentConfig } from "../../../environments/schema";
import type { AppBuildDescription } from "../../../lib/app-build/description";
import { describeAppBuild } from "../../../lib/app-build/load";
import { assetsBucketName } from "../../../lib/naming";
import { LambdaCodeStore, codeSha256 } from "../../../scripts/e2e-local/lambda-code";
import { functionSpec, LocalFunctionDeployer } from "../../../scripts/e2e-local/local-deploy";
import { tempDir, writeExampleBuild, writeOpenNextBuild } from "../../support/app-builds";
import { synthesizeApp, type StackJson } from "../../support/synth";

const dev = findEnvironment("dev", loadEnvironments());
const resources = (env: EnvironmentConfig) => ({ endpoint: "http://moto.invalid", region: env.account.region, bucket: assetsBucketName(env), env });

describe.each([
  ["the example layout", () => describeAppBuild(writeExampleBuild(tempDir()), "test")],
  ["an OpenNext build", () => describeAppBuild(writeOpenNextBuild(tempDir()), "test")],
])("the deploy step declares each function of %s as the app stack does", (_name, build) => {
  const description: AppBuildDescription = build();
  const app: StackJson = synthesizeApp([dev], description).stacks["dev-app"]!;
  const synthesized = Object.values(app.resource.aws_lambda_function as Record<string, StackJson>);
  const byName = new Map(synthesized.map((fn) => [fn.function_name as string, fn]));

  it.each(description.functions.map((fn) => [fn.id, fn] as const))("%s", (_id, fn) => {
    const spec = functionSpec(dev, description, fn, resources(dev));
    const stack = byName.get(spec.functionName);
    // Values the stack takes from other resources are tokens; only their names can be compared.
    const literal = (value: unknown) => (typeof value === "string" && value.includes("${") ? "(reference)" : value);
    const variables = (vars: Record<string, unknown>) => Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, literal(v)]));
    const local = variables(spec.environment);
    const synthesizedVariables = variables(stack?.environment?.variables ?? {});
    for (const name of Object.keys(synthesizedVariables)) if (synthesizedVariables[name] === "(reference)") local[name] = "(reference)";
    expect({
      handler: spec.handler,
      runtime: spec.runtime,
      architectures: [spec.architecture],
      memory: spec.memoryMiB,
      timeout: spec.timeoutSeconds,
      variables: local,
    }).toEqual({
      handler: stack?.handler,
      runtime: stack?.runtime,
      architectures: stack?.architectures,
      memory: stack?.memory_size,
      timeout: stack?.timeout,
      variables: synthesizedVariables,
    });
  });
});

describe("deploying builds on moto", () => {
  const env: EnvironmentConfig = { ...dev, project: "deploy-step" };
  const endpoint = process.env.MOTO_ENDPOINT!;
  const local = { endpoint, region: env.account.region, bucket: "deploy-step-assets", env };
  const lambda = new LambdaClient({ endpoint, region: env.account.region, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
  const code = new LambdaCodeStore(tempDir("unpacked-"));
  const deployer = new LocalFunctionDeployer(env, local, code, tempDir("packages-"));
  const build = (body: string) => {
    const dir = writeExampleBuild(tempDir());
    writeFileSync(path.join(dir, "server", "index.js"), `exports.handler = async () => ({ statusCode: 200, body: ${JSON.stringify(body)} });\n`);
    return describeAppBuild(dir, "test");
  };
  const alias = () => lambda.send(new GetAliasCommand({ FunctionName: "deploy-step-dev-ssr", Name: "live" }));
  let first: Awaited<ReturnType<LocalFunctionDeployer["deploy"]>>;
  let second: Awaited<ReturnType<LocalFunctionDeployer["deploy"]>>;
  let unchanged: Awaited<ReturnType<LocalFunctionDeployer["deploy"]>>;
  const buildB = build("B");

  beforeAll(async () => {
    first = await deployer.deploy(build("A"));
    second = await deployer.deploy(buildB);
    unchanged = await deployer.deploy(buildB);
  });
  afterAll(() => {
    deployer.destroy();
    lambda.destroy();
  });

  it("creates every function with alias live on version 1", async () => {
    expect([first.versions, (await alias()).FunctionVersion]).toEqual([{ server: "1" }, "1"]);
  });

  it("publishes a changed build as a new version and leaves the alias where it was", async () => {
    expect([second.versions, second.published, (await alias()).FunctionVersion]).toEqual([{ server: "2" }, ["server"], "1"]);
  });

  it("publishes nothing for an unchanged build, as Terraform plans no change", () => {
    expect([unchanged.versions, unchanged.published]).toEqual([{ server: "2" }, []]);
  });

  it("uploads the package whose digest moto records for the version, so the edge can run it", async () => {
    const version = await lambda.send(new GetFunctionCommand({ FunctionName: "deploy-step-dev-ssr", Qualifier: "2" }));
    const unpacked = code.unpacked(version.Configuration!.CodeSha256!);
    expect(readFileSync(path.join(unpacked, "index.js"), "utf8")).toContain('"B"');
  });
});

describe("codeSha256", () => {
  it("is base64 of the SHA-256 of the zip, as Lambda reports CodeSha256", () => {
    expect(codeSha256(Buffer.from("abc"))).toBe("ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
  });
});
