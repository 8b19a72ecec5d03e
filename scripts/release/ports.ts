/**
 * The narrow ports release, rollback, list and prune use: only the AWS calls they need,
 * with expected outcomes (a missing alias, a stale RevisionId, an existing key) returned as
 * values. aws.ts implements them over the AWS SDK; anything unexpected (throttling after
 * every retry, denied credentials) is thrown there as a UserError with a clear message.
 */

/** Extra versions and their share of traffic, e.g. `{ "7": 0.1 }`. */
export type RoutingWeights = Readonly<Record<string, number>>;

export interface AliasState {
  readonly version: string;
  readonly weights: RoutingWeights;
  readonly revisionId: string | undefined;
}

export type GetAliasResult =
  | ({ readonly kind: "found" } & AliasState)
  | { readonly kind: "missing"; readonly message: string };

export type UpdateAliasResult =
  | ({ readonly kind: "updated" } & AliasState)
  /** Someone changed the alias since we read it: the RevisionId no longer matches. */
  | { readonly kind: "conflict"; readonly message: string }
  /** The function, alias or target version does not exist. */
  | { readonly kind: "missing"; readonly message: string }
  /**
   * No RevisionId to make the update conditional on (GetAlias returned none): refused
   * without calling AWS, since an unconditional update could overwrite a concurrent change.
   */
  | { readonly kind: "unguarded"; readonly message: string };

export interface PublishedVersion {
  readonly version: string;
  readonly lastModified: Date | undefined;
}

export interface AliasInfo {
  readonly name: string;
  readonly version: string;
  readonly weights: RoutingWeights;
}

export interface LambdaPort {
  getAlias(functionName: string, alias: string): Promise<GetAliasResult>;
  /**
   * Moves the alias if its RevisionId still matches; `weights: {}` clears routing. Without a
   * RevisionId it refuses (kind "unguarded") rather than update unconditionally.
   */
  updateAlias(request: {
    readonly functionName: string;
    readonly alias: string;
    readonly version: string;
    readonly weights: RoutingWeights;
    readonly revisionId: string | undefined;
  }): Promise<UpdateAliasResult>;
  /** Published versions (never $LATEST); undefined when the function does not exist. */
  listVersions(functionName: string): Promise<PublishedVersion[] | undefined>;
  versionExists(functionName: string, version: string): Promise<boolean>;
  listAliases(functionName: string): Promise<AliasInfo[]>;
  /** Deletes one published version; a value, not an exception, when AWS refuses. */
  deleteVersion(functionName: string, version: string): Promise<{ readonly kind: "deleted" } | { readonly kind: "failed"; readonly message: string }>;
}

export interface StoredObject {
  readonly key: string;
  readonly lastModified: Date | undefined;
  readonly size: number;
}

export interface StoragePort {
  readonly bucket: string;
  /** Every object under `prefix`; with `delimiter`, only the first level. */
  list(prefix: string, options?: { readonly delimiter?: string }): Promise<StoredObject[]>;
  /**
   * One ListObjectsV2 page (up to 1000 objects, in S3's order) under `prefix`, of the keys
   * after `startAfter`; `truncated` when more keys follow the last one returned.
   */
  listPage(prefix: string, options?: { readonly startAfter?: string }): Promise<{ readonly objects: StoredObject[]; readonly truncated: boolean }>;
  /** The object's text, or undefined when there is no such key. */
  getText(key: string): Promise<string | undefined>;
  /** Writes only if the key does not exist yet (`If-None-Match: *`). */
  putIfAbsent(key: string, body: string): Promise<"created" | "exists">;
  /** Deletes keys in batches; returns the keys S3 refused to delete, with why. */
  deleteKeys(keys: readonly string[]): Promise<{ readonly key: string; readonly message: string }[]>;
}

/** An alarm as the canary sees it before it starts. */
export interface WatchedAlarm {
  /** Its name, with the region in brackets when several regions are watched. */
  readonly name: string;
  readonly state: string;
  /**
   * Lambda functions it measures: the `FunctionName` dimension of its metric, or of any
   * metric its metric-math expression reads. Empty for composite alarms and other services.
   */
  readonly functionNames: readonly string[];
}

export interface AlarmPort {
  /** Alarms starting with `prefix` in state ALARM, in every region watched (the environment's and us-east-1). */
  alarmsInAlarm(prefix: string): Promise<string[]>;
  /** Every alarm starting with `prefix`, whatever its state, in every region watched. */
  alarmsUnder(prefix: string): Promise<WatchedAlarm[]>;
}

/** Time, injectable so canary tests never sleep. */
export interface Clock {
  now(): Date;
  /** Resolves after `ms`, or early with false when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<boolean>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve(false);
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve(true);
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        resolve(false);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};

/** One function of a release: its id in the set (server, image, revalidation, …), its name and the alias release moves. */
export interface ReleaseFunction {
  readonly id: string;
  readonly functionName: string;
  readonly alias: string;
}

/** Where one environment's release state lives. */
export interface ReleaseTarget {
  readonly env: string;
  readonly bucket: string;
  /** The functions a release moves together, the server first (see version-set.ts). */
  readonly functions: readonly ReleaseFunction[];
  /**
   * When set, rollback, `releases` and prune take the set from the ledger instead (the
   * function ids its newest release or rollback names, mapped to functions by this), so they
   * need no app build: `functions` then holds the server alone, which is read while the
   * ledger is. @default undefined: `functions` is the set
   */
  readonly functionsOf?: (ids: readonly string[]) => readonly ReleaseFunction[];
  /** CloudWatch alarm name prefix the canary watches. */
  readonly alarmPrefix: string;
  /** The function's region, for commands printed to fix things by hand. @default omitted from them */
  readonly region?: string;
}

export interface ReleasePorts {
  readonly lambda: LambdaPort;
  readonly storage: StoragePort;
  readonly alarms: AlarmPort;
  readonly clock: Clock;
}
