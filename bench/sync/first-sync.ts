/**
 * The first-sync sweep behind `npm run bench:sync -- --sweep` (how DEFAULT_CONCURRENCY was
 * chosen): a raw SDK PutObject loop over preloaded bodies (the server's limit) and our first
 * sync into an empty bucket, interleaved at each concurrency on a freshly reset server, best
 * of --rounds; then `aws s3 sync` into an empty bucket once.
 */
import { readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { assetManifestKey, syncLockKey } from "../../lib/naming";
import type { MotoServer } from "../../scripts/local-aws/moto-server";
import { classifyByName, contentTypeFor } from "../../scripts/sync-assets/plan";
import { createS3AssetStore } from "../../scripts/sync-assets/s3-port";
import { mapConcurrently, syncAssets, type PhaseSeconds } from "../../scripts/sync-assets/sync";
import type { BenchContext } from "./harness";
import type { GeneratedSite } from "./site";

/** One run of syncAssets as the CLI does it: a fresh store (client, agents) per run. */
async function ourSync(bench: BenchContext, bucket: string, dir: string, concurrency: number): Promise<{ seconds: number; phases: PhaseSeconds }> {
  const store = createS3AssetStore({ bucket, region: bench.region, concurrency });
  try {
    const run = await bench.timed(() =>
      syncAssets(store, {
        env: "bench",
        dir,
        prefix: "",
        releaseId: "first",
        manifestKey: assetManifestKey({ name: "bench" }, "first"),
        lockKey: syncLockKey({ name: "bench" }),
        concurrency,
        classify: classifyByName(),
        dryRun: false,
      }),
    );
    if (run.value.kind !== "synced") throw new Error(`benchmark sync did not complete: ${JSON.stringify(run.value).slice(0, 500)}`);
    return { seconds: run.seconds, phases: run.value.summary.phaseSeconds };
  } finally {
    store.close();
  }
}

/** The server's limit: PutObject of preloaded bodies, nothing else, at `concurrency`. */
async function rawPuts(bench: BenchContext, bucket: string, site: GeneratedSite, bodies: Buffer[], concurrency: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const client = new S3Client({ region: bench.region, forcePathStyle: true, requestChecksumCalculation: "WHEN_REQUIRED", requestHandler: { httpAgent: agent } });
  try {
    const indexes = site.paths.map((_, i) => i);
    const run = await bench.timed(() =>
      mapConcurrently(indexes, concurrency, (i) =>
        client.send(new PutObjectCommand({ Bucket: bucket, Key: site.paths[i], Body: bodies[i], ContentType: contentTypeFor(site.paths[i]!) })),
      ),
    );
    return run.seconds;
  } finally {
    client.destroy();
    agent.destroy();
  }
}

export async function firstSyncSweep(
  bench: BenchContext,
  server: MotoServer,
  site: GeneratedSite,
  options: { readonly concurrencies: readonly number[]; readonly rounds: number },
): Promise<Record<string, unknown>> {
  const bodies = site.paths.map((p) => readFileSync(path.join(site.dir, p)));
  const rawRuns: Record<string, number[]> = {};
  const firstRuns: Record<string, number[]> = {};
  for (let round = 0; round < options.rounds; round++) {
    for (const concurrency of options.concurrencies) {
      const runRaw = async () => {
        await server.reset();
        return rawPuts(bench, await bench.newBucket(`raw-c${concurrency}`), site, bodies, concurrency);
      };
      const runOurs = async () => {
        await server.reset();
        return ourSync(bench, await bench.newBucket(`ours-c${concurrency}`), site.dir, concurrency);
      };
      // Alternate the order between rounds, so load from other processes hits both alike.
      let raw: number;
      let ours: Awaited<ReturnType<typeof runOurs>>;
      if (round % 2 === 0) {
        raw = await runRaw();
        ours = await runOurs();
      } else {
        ours = await runOurs();
        raw = await runRaw();
      }
      (rawRuns[concurrency] ??= []).push(raw);
      (firstRuns[concurrency] ??= []).push(ours.seconds);
      bench.note(`round ${round + 1}, concurrency ${String(concurrency).padStart(2)}: raw PUT ${raw} s, our first sync ${JSON.stringify(ours)}`);
    }
  }
  const bestOf = (runs: Record<string, number[]>) => Object.fromEntries(Object.entries(runs).map(([c, values]) => [c, Math.min(...values)]));
  await server.reset();
  const awsFirst = await bench.awsSync(site.dir, await bench.newBucket("awscli"));
  return {
    rawPutSecondsByConcurrency: bestOf(rawRuns),
    oursFirstSyncSecondsByConcurrency: bestOf(firstRuns),
    awsCliFirstSyncSeconds: awsFirst.seconds,
  };
}
