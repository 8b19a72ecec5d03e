/**
 * The narrow, read-only ports doctor looks at an account through: one question each, the
 * answer a value. aws.ts and dns.ts implement them; checks.ts judges the answers.
 */

/**
 * What AWS said about one thing: it is there (with what doctor needs to know), it is not,
 * the credentials may not look, the API could not be reached (network, no such endpoint,
 * an emulator that lacks the API), or something else went wrong.
 */
export type Observed<T> =
  | { readonly kind: "found"; readonly value: T }
  | { readonly kind: "missing"; readonly message: string }
  | { readonly kind: "denied"; readonly message: string }
  | { readonly kind: "unreachable"; readonly message: string }
  | { readonly kind: "failed"; readonly message: string };

export interface CallerIdentity {
  readonly account: string;
  readonly arn: string;
}

export interface BucketState {
  /** The bucket's region as S3 reports it (HeadBucket), when it does. */
  readonly region?: string;
  /** GetBucketVersioning's Status: "Enabled", "Suspended", or undefined (never enabled). */
  readonly versioning?: string;
  /** Default encryption algorithms (GetBucketEncryption); empty when none is configured. */
  readonly encryption: readonly string[];
}

export interface LockTableState {
  readonly status: string;
  /** The table's key schema, e.g. `[{ name: "LockID", type: "S", role: "HASH" }]`. */
  readonly keys: readonly { readonly name: string; readonly type?: string; readonly role: string }[];
}

/**
 * A Terraform state lock file (`<state key>.tflock`, S3 backend `use_lockfile`) found in the
 * state bucket: Terraform's lock info, as far as it could be read.
 */
export interface StateLock {
  /** The state key it locks. */
  readonly key: string;
  /** The lock's ID, which `terraform force-unlock` takes. */
  readonly id?: string;
  readonly who?: string;
  readonly operation?: string;
  readonly created?: string;
}

export interface HostedZone {
  /** The zone id without its `/hostedzone/` prefix. */
  readonly id: string;
  /** The delegation set Route 53 assigned (GetHostedZone). */
  readonly nameServers: readonly string[];
}

export type ParentZoneAccess =
  | { readonly kind: "readable" }
  | { readonly kind: "cannot-assume"; readonly message: string }
  | { readonly kind: "cannot-read"; readonly message: string }
  | { readonly kind: "unreachable"; readonly message: string };

export type ResolvedNameServers =
  | { readonly kind: "answer"; readonly servers: readonly string[] }
  /** The resolver answered that the name has no NS records (NXDOMAIN or NODATA). */
  | { readonly kind: "no-delegation"; readonly code: string }
  /** The resolver answered SERVFAIL: a broken delegation or a DNSSEC failure upstream. */
  | { readonly kind: "server-failure"; readonly code: string }
  /** No answer at all (no network, no resolver, a timeout): nothing can be said. */
  | { readonly kind: "unresolvable"; readonly code: string };

export interface LambdaAccountSettings {
  /** AccountLimit.ConcurrentExecutions. */
  readonly limit: number;
  /** AccountLimit.UnreservedConcurrentExecutions: the limit minus every reservation now. */
  readonly unreserved: number;
}

export interface CertificateSummary {
  readonly arn: string;
  readonly domainName: string;
  readonly status: string;
  readonly inUse: boolean;
  readonly createdAt?: Date;
  /**
   * The names it covers (ListCertificates' SubjectAlternativeNameSummaries); absent when ACM
   * did not list them all (HasAdditionalSubjectAlternativeNames: only the first 100 are).
   */
  readonly names?: readonly string[];
}

export interface SlackWorkspace {
  readonly teamId: string;
  readonly teamName?: string;
}

export interface DoctorPorts {
  callerIdentity(): Promise<Observed<CallerIdentity>>;
  /** `expectedOwner`: a bucket of that name in another account is "denied", never read. */
  stateBucket(bucket: string, region: string, expectedOwner: string): Promise<Observed<BucketState>>;
  lockTable(name: string, region: string): Promise<Observed<LockTableState>>;
  /** The lock files present for `keys` (none: an empty list); "missing" when the bucket is. */
  stateLocks(bucket: string, region: string, expectedOwner: string, keys: readonly string[]): Promise<Observed<readonly StateLock[]>>;
  /** Public zones named exactly `name` in the account (Route 53 allows several). */
  publicZones(name: string): Promise<Observed<readonly HostedZone[]>>;
  /** Assumes the delegation role and lists `recordName`'s NS record in the parent zone. */
  parentZoneAccess(request: {
    readonly roleArn: string;
    readonly sessionName: string;
    readonly parentZoneId: string;
    readonly recordName: string;
  }): Promise<ParentZoneAccess>;
  lambdaAccountSettings(region: string): Promise<Observed<LambdaAccountSettings>>;
  /** The reserved concurrency each function has now (0 when it has none or does not exist). */
  functionReservations(functionNames: readonly string[], region: string): Promise<Observed<number>>;
  /** ACM certificates in CloudFront's region whose primary name is `domainName`. */
  certificates(domainName: string): Promise<Observed<readonly CertificateSummary[]>>;
  slackWorkspaces(chatbotRegion: string): Promise<Observed<readonly SlackWorkspace[]>>;
}

/** The public DNS, asked through the system resolver or the servers given. */
export interface ResolverPort {
  nameServers(name: string): Promise<ResolvedNameServers>;
}
