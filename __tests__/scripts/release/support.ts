/**
 * Test fixtures for the release tools: a function with published versions and alias `live`,
 * an assets bucket, and releases "synced" the way sync-assets does it (hashed assets, then
 * the manifest in the lib/asset-manifest.ts format), all in moto through the real SDK.
 * Each fixture gets its own bucket and function names.
 */
import { createHash, randomBytes } from "node:crypto";
import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from "@aws-sdk/client-cloudwatch";
import { CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  GetAliasCommand,
  LambdaClient,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  UpdateFunctionCodeCommand,
} from "@aws-sdk/client-lambda";
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { buildAssetManifest, serializeAssetManifest } from "../../../lib/asset-manifest";
import { assetManifestKey, releaseLedgerPrefix } from "../../../lib/naming";
import { CallRecorder, createAwsPorts } from "../../../scripts/release/aws";
import type { LedgerRecord } from "../../../scripts/release/ledger";
import type { Clock, ReleasePorts, ReleaseTarget } from "../../../scripts/release/ports";

/** dev's region (environments/dev.ts): the CLI talks to the env's region, so fixtures live there too. */
export const REGION = "eu-west-1";

/**
 * A Lambda errors alarm in moto, for canary tests, on `functionName`'s `FunctionName`
 * dimension (the canary refuses to shift a function's traffic that no alarm watches).
 */
export async function putAlarm(name: string, functionName: string, region = REGION): Promise<void> {
  await new CloudWatchClient({ region }).send(
    new PutMetricAlarmCommand({
      AlarmName: name,
      Namespace: "AWS/Lambda",
      MetricName: "Errors",
      Dimensions: [{ Name: "FunctionName", Value: functionName }],
      Statistic: "Sum",
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
    }),
  );
}

export async function setAlarm(name: string, state: "OK" | "ALARM", region = REGION): Promise<void> {
  await new CloudWatchClient({ region }).send(new SetAlarmStateCommand({ AlarmName: name, StateValue: state, StateReason: "test" }));
}
export const ENV = "dev";

let counter = 0;
let roleArn: Promise<string> | undefined;

export function uniqueName(label: string): string {
  counter += 1;
  return `rel-${label}-${process.pid}-${counter}-${randomBytes(2).toString("hex")}`.toLowerCase().slice(0, 60);
}

function sharedRole(): Promise<string> {
  roleArn ??= (async () => {
    const iam = new IAMClient({ region: REGION });
    // Jest reloads this module per test file in the same worker process: a fresh name each time.
    const name = `release-tests-${process.pid}-${randomBytes(4).toString("hex")}`;
    const out = await iam.send(
      new CreateRoleCommand({
        RoleName: name,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
      }),
    );
    return out.Role?.Arn ?? "";
  })();
  return roleArn;
}

/**
 * A clock whose sleeps return at once: its time moves forward only by what is slept, so a
 * canary's minutes take none, and `elapsedMs` says when (in its time) something happened.
 * `onSleep` runs after each sleep with the time then (a canary test sets alarms there).
 */
export function instantClock(
  onSleep: (ms: number, elapsedMs: number) => Promise<void> | void = () => {},
  startMs = Date.now(),
): Clock & { sleeps: number[]; elapsedMs: () => number } {
  const sleeps: number[] = [];
  let elapsed = 0;
  return {
    sleeps,
    elapsedMs: () => elapsed,
    now: () => new Date(startMs + elapsed),
    sleep: async (ms, signal) => {
      if (signal?.aborted) return false;
      sleeps.push(ms);
      elapsed += ms;
      await onSleep(ms, elapsed);
      return !signal?.aborted;
    },
  };
}

export interface Fixture {
  readonly target: ReleaseTarget;
  /** The server function's name (the only function unless the fixture has more). */
  readonly functionName: string;
  /** Each function's name by id. */
  readonly functionNames: Readonly<Record<string, string>>;
  readonly lambda: LambdaClient;
  readonly s3: S3Client;
  /** Ports over the real SDK; `endpoint` puts e.g. a fault proxy in front of moto. */
  ports(options?: { clock?: Clock; endpoint?: string; recorder?: CallRecorder; bucket?: string }): ReleasePorts;
  /** Changes a function's code and publishes a version, as `cdktf deploy` does; returns its number. */
  publishVersion(id?: string): Promise<string>;
  /** Uploads hashed assets and then the manifest, like sync-assets; returns the asset keys. */
  syncRelease(releaseId: string, options?: { sharedKeys?: readonly string[] }): Promise<string[]>;
  deleteObject(key: string): Promise<void>;
  aliasVersion(id?: string): Promise<{ version: string; weights: Record<string, number> }>;
  versions(id?: string): Promise<string[]>;
  objectKeys(prefix: string): Promise<string[]>;
  /** Every ledger record, newest first, read straight from the bucket. */
  ledger(): Promise<LedgerRecord[]>;
}

/**
 * A server function with `versions` published versions and alias `live` on version 1, and a
 * bucket. `functions` adds more functions to the release (e.g. ["image"]), each with its
 * own published versions and alias `live` on version 1.
 */
export async function createFixture(label: string, options: { versions?: number; functions?: readonly string[] } = {}): Promise<Fixture> {
  const bucket = uniqueName(label);
  const functionName = uniqueName(label);
  const lambda = new LambdaClient({ region: REGION });
  const s3 = new S3Client({ region: REGION, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: REGION } }));
  const functionNames: Record<string, string> = { server: functionName };
  for (const id of options.functions ?? []) functionNames[id] = `${functionName}-${id}`;
  const codeRevisions: Record<string, number> = {};
  const publishVersion = async (id = "server") => {
    const name = functionNames[id];
    const revision = codeRevisions[id] ?? 0;
    if (revision > 0) await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: Buffer.from(`code-${revision}-${name}`) }));
    codeRevisions[id] = revision + 1;
    const out = await lambda.send(new PublishVersionCommand({ FunctionName: name }));
    return out.Version ?? "";
  };
  for (const [id, name] of Object.entries(functionNames)) {
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: "nodejs22.x",
        Role: await sharedRole(),
        Handler: "index.handler",
        Code: { ZipFile: Buffer.from(`code-0-${name}`) },
      }),
    );
    for (let i = 0; i < (options.versions ?? 2); i++) await publishVersion(id);
    await lambda.send(new CreateAliasCommand({ FunctionName: name, Name: "live", FunctionVersion: "1" }));
  }

  const target: ReleaseTarget = {
    env: ENV,
    bucket,
    functions: Object.entries(functionNames).map(([id, name]) => ({ id, functionName: name, alias: "live" })),
    alarmPrefix: `${functionName}-alarm-`,
  };
  const objectKeys = async (prefix: string) => {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      keys.push(...(out.Contents ?? []).map((o) => o.Key ?? ""));
      token = out.NextContinuationToken;
    } while (token);
    return keys;
  };

  return {
    target,
    functionName,
    functionNames,
    lambda,
    s3,
    ports: ({ clock, endpoint, recorder, bucket: otherBucket } = {}) =>
      createAwsPorts({ region: REGION, bucket: otherBucket ?? bucket, clock, endpoint, recorder }),
    publishVersion,
    async syncRelease(releaseId, { sharedKeys = [] } = {}) {
      const files = ["main.js", "styles.css"].map((name) => {
        const body = `/* ${releaseId} */ ${name}`;
        const hash = createHash("sha256").update(body).digest("hex");
        const [stem, ext] = name.split(".");
        return { key: `assets/${stem}.${hash.slice(0, 8).toUpperCase()}.${ext}`, body, hash };
      });
      for (const f of files) {
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: f.key, Body: f.body, ContentType: "text/plain" }));
      }
      const sharedEntries = sharedKeys.map((key) => ({ key, hash: createHash("sha256").update(key).digest("hex"), body: key }));
      const manifest = buildAssetManifest({
        env: ENV,
        releaseId,
        assets: [...files, ...sharedEntries].map((f) => ({
          key: f.key,
          sha256: f.hash,
          size: f.body.length,
          contentType: "text/plain",
          cacheControl: "public, max-age=31536000, immutable",
        })),
      });
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: assetManifestKey({ name: ENV }, releaseId), Body: serializeAssetManifest(manifest) }),
      );
      return manifest.assets.map((a) => a.key);
    },
    async deleteObject(key) {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    async aliasVersion(id = "server") {
      const out = await lambda.send(new GetAliasCommand({ FunctionName: functionNames[id], Name: "live" }));
      const weights: Record<string, number> = {};
      for (const [v, w] of Object.entries(out.RoutingConfig?.AdditionalVersionWeights ?? {})) if (w) weights[v] = w;
      return { version: out.FunctionVersion ?? "", weights };
    },
    async versions(id = "server") {
      const out = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: functionNames[id] }));
      return (out.Versions ?? []).map((v) => v.Version ?? "").filter((v) => v !== "$LATEST");
    },
    objectKeys,
    async ledger() {
      const keys = (await objectKeys(releaseLedgerPrefix({ name: ENV }))).sort();
      const records: LedgerRecord[] = [];
      for (const key of keys) {
        const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        records.push(JSON.parse(await (out.Body?.transformToString() ?? "{}")) as LedgerRecord);
      }
      return records;
    },
  };
}

export const person = { actor: "tester", runUrl: null } as const;
