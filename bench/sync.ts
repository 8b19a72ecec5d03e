/**
 * npm run bench:sync [-- --files <n>] [-- --concurrencies 4,8,16,32,64]
 *
 * Measures sync-assets against one local moto_server: 2,000 generated files (1–20 KB, 95 %
 * hashed). Prints ONE JSON line of figures on stdout; progress and a table on stderr.
 *
 *   raw PUT floor      SDK PutObject loop over preloaded bodies at each concurrency (the server's limit)
 *   ours, first sync   syncAssets into an empty bucket, at each concurrency
 *   ours, no change    resync of the same build (median of 3)
 *   ours, 20 changed   resync of a build with 20 changed files (median of 3 successive builds)
 *   ours, CLI          the no-change resync as a command (`node --import tsx …/cli.ts`), process start included
 *   aws s3 sync        AWS CLI first and no-change (median of 3) into its own bucket
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { assetManifestKey } from "../lib/naming";
import { localAwsEnvironment, startMotoServer } from "../scripts/local-aws/moto-server";
import { DEFAULT_CONCURRENCY } from "../scripts/sync-assets/cli";
import { contentTypeFor, DEFAULT_CACHE_POLICIES } from "../scripts/sync-assets/plan";
import { createS3AssetStore } from "../scripts/sync-assets/s3-port";
import { mapConcurrently, syncAssets, type SyncOutcome } from "../scripts/sync-assets/sync";
import { changeFiles, generateSite, type GeneratedSite } from "./sync/site";

const ROOT = path.resolve(__dirname, "..");
const WORK = path.join(ROOT, "bench/.work/sync");
const REGION = "eu-west-1";

const { values: flags } = parseArgs({
  options: { files: { type: "string" }, concurrencies: { type: "string" }, repeats: { type: "string" } },
});
const FILES = Number(flags.files ?? 2000);
const CONCURRENCIES = (flags.concurrencies ?? "4,8,16,32,64").split(",").map(Number);
const REPEATS = Number(flags.repeats ?? 3);

function note(line: string): void {
  process.stderr.write(`${line}\n`);
}

const seconds = (ms: number) => Math.round(ms) / 1000;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round2 = (n: number) => Math.round(n * 100) / 100;

async function timed<T>(run: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const start = performance.now();
  const value = await run();
  return { seconds: seconds(performance.now() - start), value };
}

let bucketCounter = 0;
async function newBucket(s3: S3Client, label: string): Promise<string> {
  bucketCounter += 1;
  const bucket = `bench-${label}-${bucketCounter}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

/** One run of syncAssets as the CLI does it: a fresh store (client, agents) per run. */
async function ourSync(bucket: string, dir: string, concurrency: number, releaseId: string): Promise<number> {
  const store = createS3AssetStore({ bucket, region: REGION, concurrency });
  try {
    const run = await timed(() =>
      syncAssets(store, {
        env: "bench",
        dir,
        prefix: "",
        releaseId,
        manifestKey: assetManifestKey({ name: "bench" }, releaseId),
        concurrency,
        policies: DEFAULT_CACHE_POLICIES,
        dryRun: false,
      }),
    );
    expectSynced(run.value);
    return run.seconds;
  } finally {
    store.close();
  }
}

function expectSynced(outcome: SyncOutcome): void {
  if (outcome.kind !== "synced") throw new Error(`benchmark sync did not complete: ${JSON.stringify(outcome).slice(0, 500)}`);
}

/** The server's limit: PutObject of preloaded bodies, nothing else, at `concurrency`. */
async function rawPuts(s3Bucket: string, site: GeneratedSite, bodies: Buffer[], concurrency: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const client = new S3Client({
    region: REGION,
    forcePathStyle: true,
    requestChecksumCalculation: "WHEN_REQUIRED",
    requestHandler: { httpAgent: agent },
  });
  try {
    const run = await timed(() =>
      mapConcurrently(site.paths, concurrency, (key) =>
        client.send(
          new PutObjectCommand({
            Bucket: s3Bucket,
            Key: key,
            Body: bodies[site.paths.indexOf(key)],
            ContentType: contentTypeFor(key),
          }),
        ),
      ),
    );
    return run.seconds;
  } finally {
    client.destroy();
    agent.destroy();
  }
}

/**
 * Runs a command without blocking the event loop: moto_server's request log goes to a pipe
 * this process drains, and a synchronous spawn would let it fill and stall the server.
 */
function runTimed(command: string, args: string[], cwd = ROOT): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(command, args, { cwd, env: process.env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    child.on("error", reject);
    child.on("close", (code) => {
      const elapsed = seconds(performance.now() - start);
      if (code === 0) resolve(elapsed);
      else reject(new Error(`${command} ${args.slice(0, 3).join(" ")} … exited ${code}: ${stderr}`));
    });
  });
}

function awsSync(dir: string, bucket: string, endpoint: string): Promise<number> {
  return runTimed("aws", ["s3", "sync", dir, `s3://${bucket}/`, "--endpoint-url", endpoint, "--only-show-errors", "--no-progress"]);
}

function ourCommand(dir: string, bucket: string, releaseId: string): Promise<number> {
  const cli = path.join(ROOT, "scripts/sync-assets/cli.ts");
  return runTimed(process.execPath, [
    "--import",
    "tsx",
    cli,
    ...["--env", "dev", "--dir", dir, "--bucket", bucket, "--release", releaseId],
  ]);
}

async function main(): Promise<void> {
  note(`generating ${FILES} files into ${path.relative(ROOT, WORK)}/site …`);
  const site = generateSite(path.join(WORK, "site"), FILES);
  const bodies = site.paths.map((p) => readFileSync(path.join(site.dir, p)));

  const server = await startMotoServer();
  Object.assign(process.env, localAwsEnvironment(server.endpoint), {
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  });
  const s3 = new S3Client({ region: REGION, forcePathStyle: true });
  note(`moto_server at ${server.endpoint}; load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs`);

  try {
    // Raw PUTs and our first sync, interleaved at each concurrency so load changes on the
    // machine hit both alike.
    const rawPut: Record<string, number> = {};
    const firstByConcurrency: Record<string, number> = {};
    const syncedBuckets = new Map<number, string>();
    for (const concurrency of CONCURRENCIES) {
      rawPut[concurrency] = await rawPuts(await newBucket(s3, `raw-c${concurrency}`), site, bodies, concurrency);
      const bucket = await newBucket(s3, `ours-c${concurrency}`);
      firstByConcurrency[concurrency] = await ourSync(bucket, site.dir, concurrency, "first");
      syncedBuckets.set(concurrency, bucket);
      note(`concurrency ${String(concurrency).padStart(2)}: raw PUT ${rawPut[concurrency]} s, our first sync ${firstByConcurrency[concurrency]} s`);
    }
    const rawPutFloor = Math.min(...Object.values(rawPut));
    const bestConcurrency = Number(Object.entries(rawPut).find(([, s]) => s === rawPutFloor)![0]);

    const defaultBucket = syncedBuckets.get(DEFAULT_CONCURRENCY) ?? (await newBucket(s3, "ours-default"));
    const firstSync =
      firstByConcurrency[DEFAULT_CONCURRENCY] ?? (await ourSync(defaultBucket, site.dir, DEFAULT_CONCURRENCY, "first"));

    const awsBucket = await newBucket(s3, "awscli");
    const awsFirst = await awsSync(site.dir, awsBucket, server.endpoint);
    note(`aws s3 sync first: ${awsFirst} s`);

    const noChange: number[] = [];
    const noChangeCli: number[] = [];
    const awsNoChange: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      noChange.push(await ourSync(defaultBucket, site.dir, DEFAULT_CONCURRENCY, `same-${i}`));
      noChangeCli.push(await ourCommand(site.dir, defaultBucket, `cli-${i}`));
      awsNoChange.push(await awsSync(site.dir, awsBucket, server.endpoint));
    }
    note(`no change: ours ${noChange.join(", ")} s; ours as a command ${noChangeCli.join(", ")} s; aws s3 sync ${awsNoChange.join(", ")} s`);

    const changed20: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      changeFiles(site, 20, 100 + i);
      changed20.push(await ourSync(defaultBucket, site.dir, DEFAULT_CONCURRENCY, `changed-${i}`));
    }
    note(`20 changed: ours ${changed20.join(", ")} s`);

    const oursNoChange = median(noChange);
    const oursNoChangeCli = median(noChangeCli);
    const awsNoChangeMedian = median(awsNoChange);
    const oursChanged20 = median(changed20);
    // 20 PUTs at the floor's throughput: what 20 changed files should add to a no-change run.
    const twentyPutsSeconds = (rawPutFloor / FILES) * 20;
    const expectedChanged20 = oursNoChange + twentyPutsSeconds;

    const result = {
      bench: "sync",
      files: site.files,
      hashedFiles: site.hashedFiles,
      bytes: site.bytes,
      cpus: os.cpus().length,
      loadAverage: round2(os.loadavg()[0]!),
      defaultConcurrency: DEFAULT_CONCURRENCY,
      rawPutSecondsByConcurrency: rawPut,
      rawPutFloorSeconds: rawPutFloor,
      rawPutFloorConcurrency: bestConcurrency,
      oursFirstSyncSecondsByConcurrency: firstByConcurrency,
      oursFirstSyncSeconds: firstSync,
      oursNoChangeSeconds: oursNoChange,
      oursNoChangeCommandSeconds: oursNoChangeCli,
      oursChanged20Seconds: oursChanged20,
      awsCliFirstSyncSeconds: awsFirst,
      awsCliNoChangeSeconds: awsNoChangeMedian,
      ratios: {
        firstSyncVsRawPutFloor: round2(firstSync / rawPutFloor),
        awsCliFirstVsOursFirst: round2(awsFirst / firstSync),
        awsCliNoChangeVsOursNoChange: round2(awsNoChangeMedian / oursNoChange),
        awsCliNoChangeVsOursNoChangeCommand: round2(awsNoChangeMedian / oursNoChangeCli),
        changed20VsNoChangePlus20Puts: round2(oursChanged20 / expectedChanged20),
      },
      targets: {
        firstSyncWithin115xRawPutFloor: firstSync <= 1.15 * rawPutFloor,
        firstSyncFasterThanAwsCli: firstSync < awsFirst,
        noChange3xFasterThanAwsCli: awsNoChangeMedian >= 3 * oursNoChange,
        noChangeCommand3xFasterThanAwsCli: awsNoChangeMedian >= 3 * oursNoChangeCli,
        changed20CloseToNoChangePlus20Puts: oursChanged20 <= 1.5 * expectedChanged20,
      },
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    s3.destroy();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error && error.stack ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
