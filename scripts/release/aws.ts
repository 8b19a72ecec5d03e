/**
 * The ports of ports.ts over the AWS SDK. Clients are made when `createAwsPorts` is called,
 * never at module load, with the SDK's standard retry strategy (throttling and 5xx retried
 * with backoff and jitter). Expected outcomes come back as values; throttling that outlasts
 * every retry, denied credentials and an unreachable endpoint become a UserError (exit 1)
 * that names the call and what to do.
 */
import {
  DeleteFunctionCommand,
  GetAliasCommand,
  GetFunctionCommand,
  LambdaClient,
  ListAliasesCommand,
  ListVersionsByFunctionCommand,
  UpdateAliasCommand,
  type AliasConfiguration,
} from "@aws-sdk/client-lambda";
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import type { CloudWatchClient, MetricAlarm } from "@aws-sdk/client-cloudwatch";
import { errorMessage, UserError } from "../../lib/errors";
import { clientSettings, isMissingCredentials, missingCredentialsMessage, usesCustomS3Endpoint } from "../shared/aws";
import type { AlarmPort, AliasInfo, AliasState, Clock, LambdaPort, ReleasePorts, RoutingWeights, StoragePort, WatchedAlarm } from "./ports";
import { systemClock } from "./ports";

/** One AWS operation as the SDK ran it, retries included. */
export interface RecordedCall {
  readonly operation: string;
  /** performance.now() when the call started. */
  readonly startedAt: number;
  readonly ms: number;
  /** HTTP attempts: 1, or more when the SDK retried. */
  readonly attempts: number;
  readonly ok: boolean;
}

/** Counts and times every AWS call the ports make (shown in --json output and the benchmark). */
export class CallRecorder {
  readonly calls: RecordedCall[] = [];

  /**
   * `callMs` adds up every call's duration (calls made in parallel count in full);
   * `callWallMs` is the time at least one call was in flight.
   */
  summary(): { calls: number; attempts: number; callMs: number; callWallMs: number; each: string[] } {
    const round = (ms: number) => Math.round(ms * 10) / 10;
    let wall = 0;
    let coveredUntil = -Infinity;
    for (const c of [...this.calls].sort((a, b) => a.startedAt - b.startedAt)) {
      const end = c.startedAt + c.ms;
      if (end > coveredUntil) {
        wall += end - Math.max(c.startedAt, coveredUntil);
        coveredUntil = end;
      }
    }
    return {
      calls: this.calls.length,
      attempts: this.calls.reduce((sum, c) => sum + c.attempts, 0),
      callMs: round(this.calls.reduce((sum, c) => sum + c.ms, 0)),
      callWallMs: round(wall),
      /** e.g. "GetAlias 12.3 ms", in completion order. */
      each: this.calls.map((c) => `${c.operation} ${round(c.ms)} ms${c.attempts > 1 ? ` (${c.attempts} attempts)` : ""}${c.ok ? "" : " failed"}`),
    };
  }
}

/** Any SDK v3 client: only its middleware stack is used. */
interface MiddlewareClient {
  readonly middlewareStack: { add: (middleware: never, options: never) => void };
}
type AddMiddleware = (middleware: unknown, options: { step: string; name: string; override?: boolean }) => void;

function instrument<C extends MiddlewareClient>(client: C, recorder: CallRecorder | undefined): C {
  if (!recorder) return client;
  const add = client.middlewareStack.add.bind(client.middlewareStack) as AddMiddleware;
  // initialize runs once per operation (around the retry loop), deserialize once per attempt.
  add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string; __attempts?: number }) =>
      async (args: unknown) => {
        const started = performance.now();
        context.__attempts = 0;
        let ok = false;
        try {
          const result = await next(args);
          ok = true;
          return result;
        } finally {
          recorder.calls.push({
            operation: (context.commandName ?? "unknown").replace(/Command$/, ""),
            startedAt: started,
            ms: performance.now() - started,
            attempts: Math.max(1, context.__attempts ?? 1),
            ok,
          });
        }
      },
    { step: "initialize", name: "releaseCallRecorder", override: true },
  );
  add(
    (next: (args: unknown) => Promise<unknown>, context: { __attempts?: number }) => (args: unknown) => {
      context.__attempts = (context.__attempts ?? 0) + 1;
      return next(args);
    },
    { step: "deserialize", name: "releaseAttemptCounter", override: true },
  );
  return client;
}

export interface AwsPortsOptions {
  /** The environment's region: the function and alarms live there. */
  readonly region: string;
  readonly bucket: string;
  readonly recorder?: CallRecorder;
  readonly clock?: Clock;
  /** Overrides AWS_ENDPOINT_URL (tests put a fault proxy here). */
  readonly endpoint?: string;
  /**
   * Where the canary reads alarms. Default: the environment's region and us-east-1, where
   * CloudFront publishes its metrics and so its alarms live.
   */
  readonly alarmRegions?: readonly string[];
}

const CLOUDFRONT_METRICS_REGION = "us-east-1";

export function createAwsPorts(options: AwsPortsOptions): ReleasePorts {
  const settings = { ...clientSettings(options.region), ...(options.endpoint ? { endpoint: options.endpoint } : {}) };
  const lambdaClient = instrument(new LambdaClient(settings), options.recorder);
  // One credential chain for all clients: with web identity, SSO or instance roles each
  // client would otherwise fetch its own credentials, a network round trip apiece.
  const credentials = lambdaClient.config.credentials;
  const s3Client = instrument(
    new S3Client({ ...settings, credentials, forcePathStyle: Boolean(options.endpoint) || usesCustomS3Endpoint() }),
    options.recorder,
  );
  return {
    lambda: lambdaPort(lambdaClient, settings.region),
    storage: storagePort(s3Client, options.bucket),
    // CloudWatch is loaded only when a canary needs it: rollback stays quick to start.
    alarms: alarmPort(options.alarmRegions ?? [...new Set([settings.region, CLOUDFRONT_METRICS_REGION])], async (region) => {
      const { CloudWatchClient } = await import("@aws-sdk/client-cloudwatch");
      return instrument(new CloudWatchClient({ ...settings, region, credentials }), options.recorder);
    }),
    clock: options.clock ?? systemClock,
  };
}

// ---------------------------------------------------------------------------------------
// Lambda

function lambdaPort(client: LambdaClient, region: string): LambdaPort {
  const where = (fn: string) => `function ${fn} in ${region}`;
  return {
    async getAlias(functionName, alias) {
      try {
        const out = await client.send(new GetAliasCommand({ FunctionName: functionName, Name: alias }));
        return { kind: "found", ...aliasState(out) };
      } catch (error) {
        if (errorName(error) === "ResourceNotFoundException") return { kind: "missing", message: errorMessage(error) };
        throw asUserError(error, `lambda:GetAlias on ${where(functionName)} alias ${alias}`);
      }
    },
    async updateAlias({ functionName, alias, version, weights, revisionId }) {
      if (!revisionId) {
        return {
          kind: "unguarded",
          message:
            `lambda:GetAlias returned no RevisionId for alias ${alias} of ${where(functionName)}, so UpdateAlias cannot be made conditional ` +
            "and could overwrite a concurrent change; nothing was changed. Real AWS always returns one: check AWS_ENDPOINT_URL " +
            "(an emulator or proxy that drops it) and run the command again",
        };
      }
      try {
        const out = await client.send(
          new UpdateAliasCommand({
            FunctionName: functionName,
            Name: alias,
            FunctionVersion: version,
            RevisionId: revisionId,
            RoutingConfig: { AdditionalVersionWeights: { ...weights } },
          }),
        );
        return { kind: "updated", ...aliasState(out) };
      } catch (error) {
        const name = errorName(error);
        if (name === "PreconditionFailedException" || name === "ResourceConflictException") {
          return { kind: "conflict", message: errorMessage(error) };
        }
        if (name === "ResourceNotFoundException") return { kind: "missing", message: errorMessage(error) };
        throw asUserError(error, `lambda:UpdateAlias on ${where(functionName)} alias ${alias}`);
      }
    },
    async listVersions(functionName) {
      const versions: { version: string; lastModified: Date | undefined }[] = [];
      let marker: string | undefined;
      try {
        do {
          const out = await client.send(new ListVersionsByFunctionCommand({ FunctionName: functionName, Marker: marker }));
          for (const v of out.Versions ?? []) {
            if (v.Version && v.Version !== "$LATEST") {
              versions.push({ version: v.Version, lastModified: v.LastModified ? new Date(v.LastModified) : undefined });
            }
          }
          marker = out.NextMarker;
        } while (marker);
      } catch (error) {
        if (errorName(error) === "ResourceNotFoundException") return undefined;
        throw asUserError(error, `lambda:ListVersionsByFunction on ${where(functionName)}`);
      }
      return versions;
    },
    async versionExists(functionName, version) {
      try {
        await client.send(new GetFunctionCommand({ FunctionName: functionName, Qualifier: version }));
        return true;
      } catch (error) {
        if (errorName(error) === "ResourceNotFoundException") return false;
        throw asUserError(error, `lambda:GetFunction on ${where(functionName)} version ${version}`);
      }
    },
    async listAliases(functionName) {
      const aliases: AliasInfo[] = [];
      let marker: string | undefined;
      try {
        do {
          const out = await client.send(new ListAliasesCommand({ FunctionName: functionName, Marker: marker }));
          for (const a of out.Aliases ?? []) {
            if (a.Name && a.FunctionVersion) aliases.push({ name: a.Name, ...aliasState(a) });
          }
          marker = out.NextMarker;
        } while (marker);
      } catch (error) {
        if (errorName(error) === "ResourceNotFoundException") {
          throw new UserError(`${where(functionName)} does not exist (${errorMessage(error)}); check --env and --function-name`);
        }
        throw asUserError(error, `lambda:ListAliases on ${where(functionName)}`);
      }
      return aliases;
    },
    async deleteVersion(functionName, version) {
      try {
        await client.send(new DeleteFunctionCommand({ FunctionName: functionName, Qualifier: version }));
        return { kind: "deleted" };
      } catch (error) {
        if (isThrottling(error) || isDenied(error) || isUnreachable(error)) {
          throw asUserError(error, `lambda:DeleteFunction on ${where(functionName)} version ${version}`);
        }
        return { kind: "failed", message: `${errorName(error)}: ${errorMessage(error)}` };
      }
    },
  };
}

function aliasState(out: Pick<AliasConfiguration, "FunctionVersion" | "RoutingConfig" | "RevisionId">): AliasState {
  const weights: Record<string, number> = {};
  for (const [version, weight] of Object.entries(out.RoutingConfig?.AdditionalVersionWeights ?? {})) {
    if (typeof weight === "number" && weight > 0) weights[version] = weight;
  }
  return { version: out.FunctionVersion ?? "$LATEST", weights: weights as RoutingWeights, revisionId: out.RevisionId };
}

// ---------------------------------------------------------------------------------------
// S3

const DELETE_BATCH = 1000;

function storagePort(client: S3Client, bucket: string): StoragePort {
  const where = (key: string) => `s3://${bucket}/${key}`;
  const fail = (error: unknown, action: string, key: string): never => {
    if (errorName(error) === "NoSuchBucket") {
      throw new UserError(
        `bucket ${bucket} does not exist (${action} ${where(key)}); deploy the distribution stack first or pass --bucket`,
      );
    }
    throw asUserError(error, `${action} on ${where(key)}`);
  };
  return {
    bucket,
    async list(prefix, options = {}) {
      const objects: { key: string; lastModified: Date | undefined; size: number }[] = [];
      let token: string | undefined;
      try {
        do {
          const out = await client.send(
            new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: options.delimiter, ContinuationToken: token }),
          );
          for (const o of out.Contents ?? []) {
            if (o.Key) objects.push({ key: o.Key, lastModified: o.LastModified, size: o.Size ?? 0 });
          }
          token = out.IsTruncated ? out.NextContinuationToken : undefined;
        } while (token);
      } catch (error) {
        return fail(error, "s3:ListObjectsV2", prefix);
      }
      return objects;
    },
    async listPage(prefix, options = {}) {
      try {
        const out = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, StartAfter: options.startAfter }));
        const objects = (out.Contents ?? []).flatMap((o) => (o.Key ? [{ key: o.Key, lastModified: o.LastModified, size: o.Size ?? 0 }] : []));
        return { objects, truncated: Boolean(out.IsTruncated) && objects.length > 0 };
      } catch (error) {
        return fail(error, "s3:ListObjectsV2", prefix);
      }
    },
    async getText(key) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return (await out.Body?.transformToString("utf8")) ?? "";
      } catch (error) {
        if (errorName(error) === "NoSuchKey" || errorName(error) === "NotFound") return undefined;
        return fail(error, "s3:GetObject", key);
      }
    },
    async putIfAbsent(key, body) {
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: body,
            ContentType: "application/json",
            IfNoneMatch: "*",
          }),
        );
        return "created";
      } catch (error) {
        const status = httpStatus(error);
        // 412: the key exists. 409: a concurrent conditional write to the same key won.
        if (status === 412 || status === 409 || errorName(error) === "PreconditionFailed") return "exists";
        return fail(error, "s3:PutObject", key);
      }
    },
    async deleteKeys(keys) {
      const failures: { key: string; message: string }[] = [];
      for (let i = 0; i < keys.length; i += DELETE_BATCH) {
        const batch = keys.slice(i, i + DELETE_BATCH);
        try {
          const out = await client.send(
            new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
          );
          for (const e of out.Errors ?? []) failures.push({ key: e.Key ?? "?", message: `${e.Code}: ${e.Message}` });
        } catch (error) {
          return fail(error, "s3:DeleteObjects", batch[0] ?? "");
        }
      }
      return failures;
    },
  };
}

// ---------------------------------------------------------------------------------------
// CloudWatch

function alarmPort(regions: readonly string[], makeClient: (region: string) => Promise<CloudWatchClient>): AlarmPort {
  const clients = new Map<string, Promise<CloudWatchClient>>();
  /** Every page of DescribeAlarms in one region; `state` filters on the alarm state. */
  const describe = async (region: string, prefix: string, state?: "ALARM"): Promise<WatchedAlarm[]> => {
    let client = clients.get(region);
    if (!client) {
      client = makeClient(region);
      clients.set(region, client);
    }
    const cw = await client;
    const { DescribeAlarmsCommand } = await import("@aws-sdk/client-cloudwatch");
    const found: WatchedAlarm[] = [];
    let token: string | undefined;
    try {
      do {
        const out = await cw.send(
          new DescribeAlarmsCommand({
            AlarmNamePrefix: prefix,
            StateValue: state,
            AlarmTypes: ["MetricAlarm", "CompositeAlarm"],
            NextToken: token,
          }),
        );
        for (const a of [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])]) {
          if (!a.AlarmName || (state && a.StateValue !== state)) continue;
          found.push({
            name: regions.length > 1 ? `${a.AlarmName} (${region})` : a.AlarmName,
            state: a.StateValue ?? "",
            functionNames: "Metrics" in a ? functionNamesOf(a) : [],
          });
        }
        token = out.NextToken;
      } while (token);
    } catch (error) {
      throw asUserError(error, `cloudwatch:DescribeAlarms in ${region} with prefix ${prefix}`);
    }
    return found;
  };
  const everywhere = async (prefix: string, state?: "ALARM") => (await Promise.all(regions.map((region) => describe(region, prefix, state)))).flat();
  return {
    async alarmsInAlarm(prefix) {
      return (await everywhere(prefix, "ALARM")).map((a) => a.name);
    },
    alarmsUnder: (prefix) => everywhere(prefix),
  };
}

/** The Lambda functions a metric alarm measures: its own metric's dimensions and those of every metric its math reads. */
function functionNamesOf(alarm: MetricAlarm): string[] {
  const dimensions = [...(alarm.Dimensions ?? []), ...(alarm.Metrics ?? []).flatMap((m) => m.MetricStat?.Metric?.Dimensions ?? [])];
  return [...new Set(dimensions.filter((d) => d.Name === "FunctionName" && d.Value).map((d) => d.Value as string))];
}

// ---------------------------------------------------------------------------------------
// errors

const THROTTLING = new Set([
  "TooManyRequestsException",
  "ThrottlingException",
  "Throttling",
  "ThrottledException",
  "RequestLimitExceeded",
  "SlowDown",
  "RequestThrottled",
  "RequestThrottledException",
]);
const DENIED = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "ExpiredToken",
  "ExpiredTokenException",
  "AuthFailure",
]);

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : "";
}

function httpStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

function isThrottling(error: unknown): boolean {
  return THROTTLING.has(errorName(error)) || httpStatus(error) === 429;
}

function isDenied(error: unknown): boolean {
  const status = httpStatus(error);
  return DENIED.has(errorName(error)) || status === 403;
}

function isUnreachable(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  return ["ECONNREFUSED", "ENOTFOUND", "ECONNRESET", "ETIMEDOUT", "EAI_AGAIN"].includes(code ?? "") || errorName(error) === "TimeoutError";
}

/**
 * Turns what the SDK throws once its retries are spent into a message a person can act on;
 * anything unrecognised is returned as is (a bug keeps its stack).
 */
export function asUserError(error: unknown, call: string): unknown {
  if (error instanceof UserError) return error;
  const attempts = (error as { $metadata?: { attempts?: number } } | undefined)?.$metadata?.attempts;
  const tried = attempts && attempts > 1 ? ` after ${attempts} attempts` : "";
  // Before "denied": no credentials at all is a set-up problem, not an IAM one.
  if (isMissingCredentials(error)) return new UserError(missingCredentialsMessage(error));
  if (isThrottling(error)) {
    return new UserError(
      `AWS throttled ${call}${tried} (${errorName(error) || "HTTP 429"}: ${errorMessage(error)}). ` +
        "The SDK retried with backoff; wait a minute and run the command again, or raise AWS_MAX_ATTEMPTS",
    );
  }
  if (isDenied(error)) {
    return new UserError(
      `AWS denied ${call} (${errorName(error)}: ${errorMessage(error)}). ` +
        "Check which credentials are in use (`aws sts get-caller-identity`; AWS_PROFILE, the CI role) and that they allow this call",
    );
  }
  if (isUnreachable(error)) {
    return new UserError(`cannot reach AWS for ${call}${tried}: ${errorMessage(error)}. Check the network and AWS_ENDPOINT_URL`);
  }
  const status = httpStatus(error);
  if (status !== undefined && status >= 500) {
    return new UserError(`AWS failed ${call}${tried} (HTTP ${status} ${errorName(error)}: ${errorMessage(error)}); run the command again`);
  }
  return error;
}
