/**
 * Runs every check of one environment: asks the ports (in parallel where the answers do not
 * depend on each other) and judges the answers with checks.ts. When the credentials are not
 * for the environment's account, the checks that read the account are skipped: what they
 * would find belongs to another account and would only mislead.
 */
import type { EnvironmentConfig } from "../../environments/schema";
import { dnsDelegationSessionName, ssrFunctionName, STACK_KINDS, stackId, stateKey } from "../../lib/naming";
import {
  checkAccount,
  checkCertificate,
  checkHostedZone,
  checkLambdaConcurrency,
  checkLambdaRuntime,
  checkLockTable,
  checkParentZoneRole,
  checkPublicDelegation,
  checkSlack,
  checkStateBucket,
  checkStateLock,
  CHECK_NAMES,
  type CheckResult,
  type PlannedReservations,
} from "./checks";
import type { DoctorPorts, ResolverPort } from "./ports";

export interface DoctorReport {
  readonly env: string;
  readonly checks: readonly CheckResult[];
}

/** A synthesized stack's JSON (cdk.tf.json), or undefined when it was not synthesized. */
export type StackReader = (stackId: string) => Record<string, unknown> | undefined;

export interface DoctorInputs {
  readonly env: EnvironmentConfig;
  /** Every configured environment: those sharing the account and region share its Lambda pool. */
  readonly environments: readonly EnvironmentConfig[];
  readonly aws: DoctorPorts;
  readonly dns: ResolverPort;
  readonly readStack: StackReader;
  readonly today: Date;
}

export async function runDoctor(inputs: DoctorInputs): Promise<DoctorReport> {
  const { env, aws } = inputs;
  const account = checkAccount(env, await aws.callerIdentity());
  const runtime = checkLambdaRuntime(env, inputs.today);
  if (account.status !== "ok") {
    const skipped = (name: string): CheckResult => ({
      name,
      status: "skip",
      detail: `not checked: the credentials are not for account ${env.account.id} (see account)`,
    });
    const checks = CHECK_NAMES.map((name) => (name === "account" ? account : name === "lambda-runtime" ? runtime : skipped(name)));
    return { env: env.name, checks };
  }

  const planned = plannedReservations(env, inputs.environments, inputs.readStack);
  const { delegation } = env.dns;
  const { slack } = env;
  const [bucket, lockTable, locks, zones, parentAccess, resolved, certificates, settings, current, workspaces] = await Promise.all([
    aws.stateBucket(env.state.bucket, env.state.region, env.account.id),
    env.state.lockTable === undefined ? undefined : aws.lockTable(env.state.lockTable, env.state.region),
    aws.stateLocks(
      env.state.bucket,
      env.state.region,
      env.account.id,
      STACK_KINDS.map((kind) => stateKey(env, kind)),
    ),
    aws.publicZones(env.dns.hostedZoneName),
    delegation
      ? aws.parentZoneAccess({
          roleArn: delegation.roleArn,
          sessionName: dnsDelegationSessionName(env),
          parentZoneId: delegation.parentZoneId,
          recordName: env.dns.hostedZoneName,
        })
      : undefined,
    inputs.dns.nameServers(env.dns.hostedZoneName),
    aws.certificates(env.dns.domainNames[0]),
    aws.lambdaAccountSettings(env.account.region),
    aws.functionReservations(planned.functionNames, env.account.region),
    slack ? aws.slackWorkspaces(slack.chatbotRegion) : undefined,
  ]);

  const byName: Record<string, CheckResult> = {
    account,
    "state-bucket": checkStateBucket(env, bucket),
    "lock-table": checkLockTable(env, lockTable),
    "state-lock": checkStateLock(env, locks),
    "hosted-zone": checkHostedZone(env, zones),
    "parent-zone-role": checkParentZoneRole(env, parentAccess),
    "public-delegation": checkPublicDelegation(env, zones, resolved),
    certificate: checkCertificate(env, certificates),
    "lambda-runtime": runtime,
    "lambda-concurrency": checkLambdaConcurrency(env, planned, settings, current),
    slack: checkSlack(env, workspaces),
  };
  return { env: env.name, checks: CHECK_NAMES.map((name) => byName[name]) };
}

/**
 * What the environments sharing `env`'s account and region will reserve: from their
 * synthesized app stacks (every function the build creates, as deploy will apply them), or,
 * for one not synthesized, its server's `ssr.reservedConcurrency` with a note.
 */
export function plannedReservations(
  env: EnvironmentConfig,
  environments: readonly EnvironmentConfig[],
  readStack: StackReader,
): PlannedReservations {
  const peers = environments.filter((e) => e.account.id === env.account.id && e.account.region === env.account.region);
  const functionNames: string[] = [];
  const notSynthesized: string[] = [];
  let reserved = 0;
  for (const peer of peers) {
    const stack = readStack(stackId(peer, "app"));
    const functions = stack ? lambdaFunctions(stack) : undefined;
    if (functions === undefined) {
      notSynthesized.push(peer.name);
      functionNames.push(ssrFunctionName(peer));
      reserved += peer.ssr.reservedConcurrency ?? 0;
      continue;
    }
    for (const fn of functions) {
      functionNames.push(fn.name);
      reserved += Math.max(0, fn.reserved);
    }
  }
  const source =
    notSynthesized.length === 0
      ? "from cdktf.out"
      : `${notSynthesized.join(", ")} not synthesized in cdktf.out: counted their server's ssr.reservedConcurrency only; run npm run synth to count every function`;
  return { environments: peers.map((e) => e.name), functionNames, reserved, source };
}

/** The aws_lambda_function resources of a synthesized stack: literal names and reservations. */
export function lambdaFunctions(stack: Record<string, unknown>): { readonly name: string; readonly reserved: number }[] | undefined {
  const resources = (stack.resource as Record<string, Record<string, Record<string, unknown>>> | undefined)?.aws_lambda_function;
  if (!resources) return undefined;
  return Object.values(resources).map((fn) => ({
    name: String(fn.function_name),
    // -1 (Terraform's "no reservation") and absent both reserve nothing.
    reserved: typeof fn.reserved_concurrent_executions === "number" ? fn.reserved_concurrent_executions : 0,
  }));
}
