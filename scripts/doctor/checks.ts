/**
 * Pure: each check turns what the ports observed into one result with a status and a detail
 * that names the resource and, when something is wrong, says how to fix it. Nothing here
 * calls AWS, reads files or the clock.
 */
import type { EnvironmentConfig } from "../../environments/schema";
import { LAMBDA_RUNTIME_WARNING_DAYS, lambdaRuntimeStatus } from "../../lib/lambda-runtimes";
import { CLOUDFRONT_CERTIFICATE_REGION, STACK_KINDS, stackId, stateKey } from "../../lib/naming";
import type {
  BucketState,
  CallerIdentity,
  CertificateSummary,
  HostedZone,
  LambdaAccountSettings,
  LockTableState,
  Observed,
  ParentZoneAccess,
  ResolvedNameServers,
  SlackWorkspace,
  StateLock,
} from "./ports";

export type CheckStatus = "ok" | "fail" | "warn" | "skip";

export interface CheckResult {
  readonly name: string;
  readonly status: CheckStatus;
  readonly detail: string;
}

/** Check names, in the order doctor reports them. */
export const CHECK_NAMES = [
  "account",
  "state-bucket",
  "lock-table",
  "state-lock",
  "hosted-zone",
  "parent-zone-role",
  "public-delegation",
  "certificate",
  "lambda-runtime",
  "lambda-concurrency",
  "slack",
] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

/** Lambda refuses a reservation that leaves fewer unreserved executions than this. */
export const LAMBDA_UNRESERVED_MINIMUM = 100;

const result = (name: CheckName, status: CheckStatus, detail: string): CheckResult => ({ name, status, detail });

/** For an AWS answer that is neither the thing nor its absence: who could not look, and why. */
function couldNotRead(name: CheckName, what: string, observed: Exclude<Observed<unknown>, { kind: "found" | "missing" }>): CheckResult {
  switch (observed.kind) {
    case "denied":
      return result(name, "fail", `could not read ${what}: access denied (${observed.message}); fix: give the deploy credentials read access to it`);
    case "unreachable":
      return result(name, "fail", `could not reach the API to read ${what} (${observed.message})`);
    case "failed":
      return result(name, "fail", `could not read ${what} (${observed.message})`);
  }
}

export function checkAccount(env: EnvironmentConfig, identity: Observed<CallerIdentity>): CheckResult {
  const expected = env.account.id;
  if (identity.kind !== "found") {
    return identity.kind === "missing"
      ? result("account", "fail", `no credentials: ${identity.message}`)
      : couldNotRead("account", "the credentials' account (sts:GetCallerIdentity)", identity);
  }
  const { account, arn } = identity.value;
  return account === expected
    ? result("account", "ok", `the credentials are for account ${account}, as environments/${env.name}.ts says (${arn})`)
    : result(
        "account",
        "fail",
        `the credentials are for account ${account} (${arn}), but environments/${env.name}.ts deploys into ${expected}; fix: use credentials of account ${expected} (AWS_PROFILE, or the role the deploy workflow assumes)`,
      );
}

/** The bootstrap command that creates an environment's state bucket and lock table. */
export function bootstrapCommand(env: EnvironmentConfig): string {
  return `npm run bootstrap:synth && (cd bootstrap && CHECKPOINT_DISABLE=1 npx cdktf deploy 'state-${env.state.bucket}')`;
}

export function checkStateBucket(env: EnvironmentConfig, observed: Observed<BucketState>): CheckResult {
  const { bucket, region } = env.state;
  const name = `state bucket ${bucket}`;
  if (observed.kind === "missing") {
    return result("state-bucket", "fail", `${name} does not exist; fix: create it once per account with the bootstrap: ${bootstrapCommand(env)}`);
  }
  if (observed.kind === "denied") {
    return result(
      "state-bucket",
      "fail",
      `${name} is not readable as account ${env.account.id}'s (${observed.message}): it belongs to another account, or the credentials may not read it; fix: choose a bucket name of this account in state.bucket, or grant s3:ListBucket and s3:GetBucketVersioning on it`,
    );
  }
  if (observed.kind !== "found") return couldNotRead("state-bucket", name, observed);
  const problems: string[] = [];
  if (observed.value.region !== undefined && observed.value.region !== region) {
    problems.push(`it is in ${observed.value.region}, not in state.region ${region}`);
  }
  if (observed.value.versioning !== "Enabled") {
    problems.push(`versioning is ${observed.value.versioning ?? "off"}, so a bad apply cannot be undone from an older state version`);
  }
  if (observed.value.encryption.length === 0) problems.push("it has no default encryption");
  return problems.length === 0
    ? result("state-bucket", "ok", `${name} exists in ${region}, versioned and encrypted (${observed.value.encryption.join(", ")})`)
    : result(
        "state-bucket",
        "fail",
        `${name}: ${problems.join("; ")}; fix: let the bootstrap manage it (${bootstrapCommand(env)}), or correct it by hand`,
      );
}

export function checkLockTable(env: EnvironmentConfig, observed: Observed<LockTableState> | undefined): CheckResult {
  const table = env.state.lockTable;
  if (table === undefined || observed === undefined) {
    return result("lock-table", "skip", "no state.lockTable configured: Terraform locks with S3 lock files (use_lockfile)");
  }
  const name = `lock table ${table} (${env.state.region})`;
  if (observed.kind === "missing") {
    return result("lock-table", "fail", `${name} does not exist; fix: the bootstrap creates it with the state bucket: ${bootstrapCommand(env)}`);
  }
  if (observed.kind !== "found") return couldNotRead("lock-table", name, observed);
  const hash = observed.value.keys.find((key) => key.role === "HASH");
  if (hash?.name !== "LockID" || (hash.type !== undefined && hash.type !== "S")) {
    return result(
      "lock-table",
      "fail",
      `${name} has partition key ${hash ? `${hash.name} (${hash.type ?? "?"})` : "none"}; Terraform's S3 backend needs LockID (S); fix: recreate it with the bootstrap`,
    );
  }
  if (observed.value.status !== "ACTIVE") return result("lock-table", "warn", `${name} is ${observed.value.status}, not yet ACTIVE`);
  return result("lock-table", "ok", `${name} exists with partition key LockID (S)`);
}

/**
 * No stack's state is locked. Before a deploy nothing else may hold the lock (deploys of an
 * environment queue in one concurrency group and plans run with -lock=false), so a lock here
 * was left by a Terraform run that was stopped (a timed-out or cancelled deploy, a lost
 * runner); `cdktf deploy` would fail on it with "Error acquiring the state lock" after
 * sync-assets already ran.
 */
export function checkStateLock(env: EnvironmentConfig, observed: Observed<readonly StateLock[]>): CheckResult {
  const { bucket } = env.state;
  if (observed.kind === "missing") return result("state-lock", "skip", `no state bucket ${bucket} (see state-bucket)`);
  if (observed.kind !== "found") return couldNotRead("state-lock", `the state lock files in ${bucket} (s3:GetObject on <key>.tflock)`, observed);
  if (observed.value.length === 0) return result("state-lock", "ok", `no stack of ${env.name} has its state locked`);
  const locks = observed.value.map((lock) => {
    const stack = STACK_KINDS.find((kind) => stateKey(env, kind) === lock.key);
    const by = [lock.operation, lock.who && `by ${lock.who}`, lock.created && `since ${lock.created}`].filter(Boolean).join(" ");
    const dir = stack ? `cdktf.out/stacks/${stackId(env, stack)}` : "the stack's folder in cdktf.out/stacks";
    return `s3://${bucket}/${lock.key}.tflock${by ? ` (${by})` : ""}: once no Terraform run is active, ` +
      (lock.id ? `terraform -chdir=${dir} init && terraform -chdir=${dir} force-unlock ${lock.id}` : `delete that lock file (it holds no readable lock ID)`);
  });
  return result("state-lock", "fail", `state locked, probably left by a deploy that was stopped: ${locks.join("; ")}`);
}

export function checkHostedZone(env: EnvironmentConfig, observed: Observed<readonly HostedZone[]>): CheckResult {
  const { hostedZoneName: zone, createHostedZone } = env.dns;
  if (observed.kind === "missing") return checkHostedZone(env, { kind: "found", value: [] });
  if (observed.kind !== "found") return couldNotRead("hosted-zone", `the public hosted zones named ${zone}`, observed);
  const zones = observed.value;
  if (zones.length > 1) {
    return result(
      "hosted-zone",
      "fail",
      `${zones.length} public hosted zones are named ${zone} (${zones.map((z) => z.id).join(", ")}); only one can be delegated to and the lookup needs exactly one; fix: delete the extra zones`,
    );
  }
  if (zones.length === 1) {
    return result("hosted-zone", "ok", `public hosted zone ${zone} exists (${zones[0].id}, name servers ${zones[0].nameServers.join(", ")})`);
  }
  return createHostedZone
    ? result("hosted-zone", "skip", `public hosted zone ${zone} does not exist yet; the first deploy of ${stackId(env, "dns")} creates it (dns.createHostedZone)`)
    : result(
        "hosted-zone",
        "fail",
        `public hosted zone ${zone} does not exist in account ${env.account.id}, and dns.createHostedZone is false; fix: create it (and point the registrar or parent zone at it), or set dns.createHostedZone: true`,
      );
}

export function checkParentZoneRole(env: EnvironmentConfig, access: ParentZoneAccess | undefined): CheckResult {
  const { delegation } = env.dns;
  if (!delegation || access === undefined) {
    return result("parent-zone-role", "skip", `no dns.delegation: nothing writes ${env.dns.hostedZoneName}'s NS record into a parent zone`);
  }
  const where = `parent zone ${delegation.parentZoneName} (${delegation.parentZoneId}) through role ${delegation.roleArn}`;
  const setup = 'fix: set up the delegation role once (docs/stacks-and-state.md, "DNS delegation")';
  switch (access.kind) {
    case "readable":
      return result("parent-zone-role", "ok", `can read ${where}; writing the NS record is not tried (doctor only reads)`);
    case "cannot-assume":
      return result("parent-zone-role", "fail", `cannot assume role ${delegation.roleArn} (${access.message}); ${setup}: its trust policy must name the deploy role of account ${env.account.id}, and that role needs sts:AssumeRole on it`);
    case "cannot-read":
      return result("parent-zone-role", "fail", `assumed the role but cannot read ${where} (${access.message}); ${setup}: it needs route53:GetHostedZone and route53:ListResourceRecordSets on that zone, and dns.delegation.parentZoneId must be the zone's id`);
    case "unreachable":
      return result("parent-zone-role", "fail", `could not reach STS or Route 53 to check ${where} (${access.message})`);
  }
}

const normalized = (servers: readonly string[]) => [...new Set(servers.map((s) => s.toLowerCase().replace(/\.$/, "")))].sort();

export function checkPublicDelegation(env: EnvironmentConfig, zones: Observed<readonly HostedZone[]>, resolved: ResolvedNameServers | undefined): CheckResult {
  const zone = env.dns.hostedZoneName;
  if (zones.kind !== "found" || zones.value.length !== 1 || resolved === undefined) {
    return result("public-delegation", "skip", `nothing to compare: ${zone} has no single public hosted zone in the account (see hosted-zone)`);
  }
  const expected = normalized(zones.value[0].nameServers);
  const fixWhere = env.dns.delegation
    ? `the NS record of ${zone} in ${env.dns.delegation.parentZoneName} (the deploy of ${stackId(env, "dns")} writes it)`
    : `the name servers at ${zone}'s registrar or parent zone`;
  switch (resolved.kind) {
    case "unresolvable":
      return result("public-delegation", "skip", `could not ask the public DNS from here (${resolved.code}); run doctor where DNS resolves, or pass --dns-server`);
    case "server-failure":
      return result(
        "public-delegation",
        "warn",
        `the resolver answered SERVFAIL for ${zone}: name servers that do not answer for the zone (a broken delegation) or a DNSSEC failure; expected ${expected.join(", ")}`,
      );
    case "no-delegation":
      return result(
        "public-delegation",
        "fail",
        `the public DNS has no NS records for ${zone} (${resolved.code}), so ACM cannot validate certificates in it; fix: set ${fixWhere} to ${expected.join(", ")}`,
      );
    case "answer": {
      const seen = normalized(resolved.servers);
      return seen.join(",") === expected.join(",")
        ? result("public-delegation", "ok", `the public DNS delegates ${zone} to its zone's name servers (${expected.join(", ")})`)
        : result(
            "public-delegation",
            "fail",
            `the public DNS sends ${zone} to ${seen.join(", ")}, but the zone's name servers are ${expected.join(", ")}; fix: set ${fixWhere} to the zone's`,
          );
    }
  }
}

/**
 * Whether a certificate's names cover a domain: the same name (DNS names are case-insensitive),
 * or a wildcard `*.parent` for one label under parent (ACM: a wildcard covers one level only).
 */
export function certificateCovers(names: readonly string[], domain: string): boolean {
  const wanted = domain.toLowerCase();
  return names.some((raw) => {
    const name = raw.toLowerCase();
    if (name === wanted) return true;
    if (!name.startsWith("*.")) return false;
    const dot = wanted.indexOf(".");
    return dot > 0 && wanted.slice(dot + 1) === name.slice(2);
  });
}

const FAILED_CERTIFICATE = new Set(["FAILED", "VALIDATION_TIMED_OUT", "REVOKED", "EXPIRED", "INACTIVE"]);

export function checkCertificate(env: EnvironmentConfig, observed: Observed<readonly CertificateSummary[]>): CheckResult {
  const primary = env.dns.domainNames[0];
  if (observed.kind === "missing") return checkCertificate(env, { kind: "found", value: [] });
  if (observed.kind !== "found") return couldNotRead("certificate", `the ACM certificates for ${primary} in ${CLOUDFRONT_CERTIFICATE_REGION}`, observed);
  // The one CloudFront uses, else the newest (a deploy in progress).
  const newestFirst = [...observed.value].sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0));
  const certificate = newestFirst.find((c) => c.inUse) ?? newestFirst[0];
  if (!certificate) {
    return result("certificate", "skip", `no ACM certificate for ${primary} in ${CLOUDFRONT_CERTIFICATE_REGION} yet; the first deploy of ${stackId(env, "distribution")} requests it`);
  }
  const name = `certificate ${certificate.arn} for ${primary}${certificate.inUse ? " (in use)" : ""}`;
  if (certificate.status === "ISSUED") {
    const uncovered = certificate.names ? env.dns.domainNames.filter((domain) => !certificateCovers(certificate.names!, domain)) : [];
    return uncovered.length === 0
      ? result("certificate", "ok", `${name} is ISSUED`)
      : result(
          "certificate",
          "warn",
          `${name} is ISSUED but does not cover ${uncovered.join(", ")}; the next deploy of ${stackId(env, "distribution")} requests one that does (a domain change replaces the certificate)`,
        );
  }
  if (certificate.status === "PENDING_VALIDATION") {
    return result("certificate", "warn", `${name} is PENDING_VALIDATION: ACM waits for its DNS validation records to resolve publicly (see public-delegation)`);
  }
  return FAILED_CERTIFICATE.has(certificate.status)
    ? result("certificate", "fail", `${name} is ${certificate.status}; fix: check the zone's public delegation, then redeploy ${stackId(env, "distribution")} to request a new one`)
    : result("certificate", "warn", `${name} is ${certificate.status}`);
}

export function checkLambdaRuntime(env: EnvironmentConfig, today: Date): CheckResult {
  const status = lambdaRuntimeStatus(env.ssr.runtime, today);
  switch (status.kind) {
    case "supported":
      return result("lambda-runtime", "ok", `${env.ssr.runtime} is accepted by Lambda for more than ${LAMBDA_RUNTIME_WARNING_DAYS} days`);
    case "ending":
      return result("lambda-runtime", "warn", `${status.message}; fix: set ssr.runtime in environments/${env.name}.ts`);
    case "blocked":
      return result("lambda-runtime", "fail", `${status.message}; fix: set ssr.runtime in environments/${env.name}.ts`);
  }
}

/** The reservations the environments in one account and region will have after their deploys. */
export interface PlannedReservations {
  /** Environments counted (the checked one and those sharing its account and region). */
  readonly environments: readonly string[];
  /** Their functions' names, to ask what they reserve today. */
  readonly functionNames: readonly string[];
  /** Executions their synthesized stacks reserve. */
  readonly reserved: number;
  /** Where the numbers come from, e.g. "cdktf.out" or a note that it was not synthesized. */
  readonly source: string;
}

export function checkLambdaConcurrency(
  env: EnvironmentConfig,
  planned: PlannedReservations,
  settings: Observed<LambdaAccountSettings>,
  current: Observed<number>,
): CheckResult {
  const where = `account ${env.account.id} in ${env.account.region}`;
  if (settings.kind !== "found") {
    return settings.kind === "missing"
      ? result("lambda-concurrency", "fail", `Lambda returned no account settings for ${where}`)
      : couldNotRead("lambda-concurrency", `the Lambda account settings of ${where} (lambda:GetAccountSettings)`, settings);
  }
  const { limit, unreserved } = settings.value;
  const quota = `fix: request a higher "Concurrent executions" quota for Lambda in ${env.account.region} (Service Quotas), or lower ssr.reservedConcurrency`;
  const configured = env.account.lambdaConcurrencyLimit;
  const mismatch = limit < configured ? `; account.lambdaConcurrencyLimit says ${configured} but the account's limit is ${limit}` : "";
  if (planned.reserved === 0) {
    return result(
      "lambda-concurrency",
      mismatch ? "warn" : "ok",
      `${planned.environments.join(", ")} reserve no concurrency in ${where} (limit ${limit}, ${unreserved} unreserved now)${mismatch}`,
    );
  }
  if (current.kind !== "found") {
    const reading = current.kind === "missing" ? ({ kind: "failed", message: current.message } as const) : current;
    return couldNotRead("lambda-concurrency", `the functions' reserved concurrency in ${where}`, reading);
  }
  // What other functions in the account reserve stays; ours is replaced by what is planned.
  const others = Math.max(0, limit - unreserved - current.value);
  const after = limit - others - planned.reserved;
  const sums = `limit ${limit}, other functions reserve ${others}, ${planned.environments.join(", ")} reserve ${planned.reserved} (${planned.source})`;
  return after >= LAMBDA_UNRESERVED_MINIMUM
    ? result("lambda-concurrency", mismatch ? "warn" : "ok", `${where}: ${sums}, leaving ${after} unreserved (Lambda requires ${LAMBDA_UNRESERVED_MINIMUM})${mismatch}`)
    : result(
        "lambda-concurrency",
        "fail",
        `${where}: ${sums}, leaving ${after} unreserved, but Lambda refuses reservations that leave fewer than ${LAMBDA_UNRESERVED_MINIMUM}${mismatch}; ${quota}`,
      );
}

export function checkSlack(env: EnvironmentConfig, observed: Observed<readonly SlackWorkspace[]> | undefined): CheckResult {
  const { slack } = env;
  if (!slack || observed === undefined) return result("slack", "skip", "no slack configured: no AWS Chatbot channel is created");
  const where = `Slack workspace ${slack.workspaceId} in AWS Chatbot (${slack.chatbotRegion})`;
  const authorize = "fix: authorize the workspace once in the AWS Chatbot console (Configure new client → Slack) in this account";
  if (observed.kind === "unreachable") return result("slack", "skip", `could not reach the AWS Chatbot API to check ${where} (${observed.message})`);
  if (observed.kind === "missing") return result("slack", "fail", `${where} is not authorized; ${authorize}`);
  if (observed.kind !== "found") return couldNotRead("slack", where, observed);
  const workspace = observed.value.find((w) => w.teamId === slack.workspaceId);
  return workspace
    ? result("slack", "ok", `${where} is authorized${workspace.teamName ? ` (${workspace.teamName})` : ""}`)
    : result("slack", "fail", `${where} is not authorized (authorized: ${observed.value.map((w) => w.teamId).join(", ") || "none"}); ${authorize}`);
}

/** Exit code of a report: 1 when any check failed. */
export function exitCodeOf(results: readonly CheckResult[]): 0 | 1 {
  return results.some((r) => r.status === "fail") ? 1 : 0;
}
