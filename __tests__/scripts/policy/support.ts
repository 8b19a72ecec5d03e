/**
 * Building violating (and passing) stacks for the policy rules with the real constructs:
 * each test synthesizes a small cdktf app into a temp dir and reads it back the way
 * `npm run policy` does, then runs one rule (or all) over it.
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import fs from "node:fs";
import path from "node:path";
import { loadEnvironments } from "../../../environments";
import type { EnvironmentConfig } from "../../../environments/schema";
import { standardTags } from "../../../lib/tags";
import { PrivateBucket } from "../../../modules/private-bucket";
import { SsrDistribution } from "../../../modules/ssr-distribution";
import { AppFunction, type AppFunctionProps } from "../../../modules/app-function";
import { runPolicy, type PolicyReport, type RuleResult, type Violation } from "../../../scripts/policy/engine";
import { RULES } from "../../../scripts/policy/rules";
import { loadWorkspace, type Workspace } from "../../../scripts/policy/workspace";
import { synthesizeOnce } from "../../support/synth-memo";
import { tempDir } from "../../support/temp-dir";

export const ENVIRONMENTS = loadEnvironments();
export const DEV = environment("dev");
export const PROD = environment("prod");

export function environment(name: string): EnvironmentConfig {
  const env = ENVIRONMENTS.find((e) => e.name === name);
  if (!env) throw new Error(`no environment ${name}`);
  return env;
}

/** A placeholder Lambda bundle for constructs that package code. */
export const CODE_ZIP = (() => {
  const file = path.join(tempDir("policy-code-"), "server.zip");
  fs.writeFileSync(file, "not really a zip");
  return file;
})();

/** dev's SSR function as AppStack builds it (construct id `Ssr`, a buffered function URL); props override. */
export function ssrFunction(stack: TerraformStack, props: Partial<AppFunctionProps> = {}, id = "Ssr"): AppFunction {
  const functionName = props.functionName ?? "acme-web-dev-ssr";
  return new AppFunction(stack, id, {
    functionName,
    roleName: functionName,
    codeZipFile: CODE_ZIP,
    runtime: "nodejs22.x",
    architecture: "arm64",
    memoryMiB: 512,
    timeoutSeconds: 10,
    reservedConcurrency: null,
    logRetentionDays: 7,
    aliasName: "live",
    functionUrl: { invokeMode: "BUFFERED" },
    ...props,
  });
}

/** dev's distribution with its private assets bucket (construct ids `Assets`, `Cdn`). */
export function ssrDistribution(stack: TerraformStack, certificateArn = "arn:aws:acm:us-east-1:111111111111:certificate/abc"): SsrDistribution {
  const assets = new PrivateBucket(stack, "Assets", { bucketName: "acme-web-dev-assets-111111111111" });
  return new SsrDistribution(stack, "Cdn", {
    namePrefix: "acme-web-dev",
    aliases: ["dev.example.com"],
    certificateArn,
    priceClass: "PriceClass_100",
    assetsBucketDomainName: assets.bucket.bucketRegionalDomainName,
    ssrOriginHost: "abc.lambda-url.eu-west-1.on.aws",
    apiOriginHost: "abc.execute-api.eu-west-1.amazonaws.com",
  });
}

export interface StackOptions {
  /** Provider region. @default the environment's region */
  readonly region?: string;
  /** Provider default tags; null for none. @default standardTags(env) */
  readonly tags?: Record<string, string> | null;
  readonly env?: EnvironmentConfig;
}

/** A stack shaped like EnvironmentStack (AWS provider with the standard tags), on local state. */
export function awsStack(scope: Construct, id: string, options: StackOptions = {}): TerraformStack {
  const stack = new TerraformStack(scope, id);
  const env = options.env ?? DEV;
  const tags = options.tags === undefined ? standardTags(env) : options.tags;
  new AwsProvider(stack, "Aws", {
    region: options.region ?? env.account.region,
    ...(tags ? { defaultTags: [{ tags }] } : {}),
  });
  return stack;
}

/**
 * Synthesizes whatever `build` adds to a fresh app and reads it back as `npm run policy` would.
 * In mutation runs the synthesis is replayed from the first, unmutated run
 * (support/synth-memo.ts), checked against `buildSource`; `shared` names a synthesis that
 * several tests share.
 */
export function synth(build: (app: App) => void, buildSource = build.toString(), shared?: string): Workspace {
  const outdir = tempDir("policy-synth-");
  try {
    synthesizeOnce(outdir, { buildSource, shared }, () => {
      const app = new App({ outdir, stackTraces: false });
      build(app);
      app.synth();
    });
    return loadWorkspace([outdir]);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * A workspace several tests of a file read: synthesized when the first of them asks (not while
 * the file loads, so a run of other tests does not pay for it), then kept. `name` tells it apart
 * from the file's other shared workspaces.
 */
export function sharedWorkspace(name: string, build: (app: App) => void): () => Workspace {
  let workspace: Workspace | undefined;
  return () => (workspace ??= synth(build, build.toString(), name));
}

/** Synthesizes one stack (id `dev-test` by default, so it belongs to dev) built by `build`. */
export function synthStack(build: (stack: TerraformStack) => void, id = "dev-test", options: StackOptions = {}): Workspace {
  return synth((app) => build(awsStack(app, id, { env: options.env ?? environmentOfId(id), ...options })), `${id}: ${build.toString()}`);
}

/** Runs one rule (by id) over every stack of the workspace. */
export function check(workspace: Workspace, ruleId: string, environments: readonly EnvironmentConfig[] = ENVIRONMENTS): PolicyReport {
  const rule = RULES.find((r) => r.id === ruleId);
  if (!rule) throw new Error(`no rule ${ruleId}`);
  return runPolicy(workspace, environments, { rules: [rule] });
}

/** The violations of one rule: `[address, message]` pairs, for readable assertions. */
export function violations(workspace: Workspace, ruleId: string, environments?: readonly EnvironmentConfig[]): [string, string][] {
  return check(workspace, ruleId, environments).violations.map((v: Violation) => [v.resource, v.message]);
}

/** The status of one rule in one stack (passed, failed, not-applicable, skipped). */
export function status(workspace: Workspace, ruleId: string, stackId = "dev-test"): RuleResult["status"] {
  const result = check(workspace, ruleId).stacks.find((s) => s.id === stackId)?.results[0];
  if (!result) throw new Error(`no stack ${stackId}`);
  return result.status;
}

function environmentOfId(id: string): EnvironmentConfig {
  return ENVIRONMENTS.find((e) => id.startsWith(`${e.name}-`)) ?? DEV;
}
