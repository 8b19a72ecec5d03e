/**
 * Two syncs of different builds into one bucket at once, as two real commands (two CI runs
 * that escaped the workflow's concurrency group). Both builds have the same unhashed names
 * (index.html, sw.js, robots.txt) with different bytes.
 *
 * The invariant: after every round, each manifest a sync wrote matches what the bucket holds
 * for every one of its keys, byte for byte; a sync that could not guarantee that exits
 * non-zero, says why, and writes no manifest.
 *
 * A proxy makes the two runs overlap on purpose: in even rounds it holds each run's first
 * request until the other's has arrived (both start together); in odd rounds the second run
 * starts only once the first is uploading, and the first's upload waits until the second's
 * first request is answered. Small seeded delays on every request vary the interleaving
 * from round to round.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { AssetManifestSchema, type AssetManifest } from "../../../lib/asset-manifest";
import { assetManifestKey } from "../../../lib/naming";
import { PASS, startFaultProxy, type FaultProxy, type ProxiedRequest } from "../../support/fault-proxy";
import {
  createBucket,
  directClient,
  getBody,
  isObjectPut,
  makeBuildDir,
  motoEndpoint,
  requestKey,
  seededRandom,
  sha256,
  startCommand,
  type CommandResult,
} from "./helpers";

const ROUNDS = 6;
const SIDES = ["a", "b"] as const;
type Side = (typeof SIDES)[number];

function build(side: Side, round: number): Record<string, string> {
  const label = `${side}${round}`;
  return {
    "index.html": `<!doctype html><title>build ${label}</title><script src="/assets/app-${label}.js"></script>\n`,
    "sw.js": `self.addEventListener("fetch", () => "${label}");\n`,
    "robots.txt": `User-agent: *\nDisallow: /${label}\n`,
    [`assets/app-${label}.${sha256(label).slice(0, 8)}.js`]: `console.log("${label}");\n`,
    [`assets/style-${label}.${sha256(`css${label}`).slice(0, 8)}.css`]: `body{content:"${label}"}\n`,
  };
}

interface SideResult {
  readonly round: number;
  readonly side: Side;
  readonly releaseId: string;
  readonly result: CommandResult;
  readonly manifest?: AssetManifest;
  /** Keys of the manifest whose bytes in the bucket differ from what it records. */
  readonly mismatched: readonly string[];
}

function sideOf(request: ProxiedRequest): Side | undefined {
  const agent = `${request.headers["x-amz-user-agent"] ?? ""} ${request.headers["user-agent"] ?? ""}`;
  return SIDES.find((side) => agent.includes(`app/sync-${side}`));
}

let s3: S3Client;
let proxy: FaultProxy;
let bucket: string;
const results: SideResult[] = [];

beforeAll(async () => {
  s3 = directClient();
  bucket = await createBucket(s3, "concurrent");
  const random = seededRandom(15);
  let gate: (request: ProxiedRequest, side: Side) => Promise<void> = async () => undefined;
  proxy = await startFaultProxy(motoEndpoint(), async (request) => {
    const side = sideOf(request);
    if (side) await gate(request, side);
    await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 15)));
    return PASS;
  });

  for (let round = 0; round < ROUNDS; round++) {
    const dirs = { a: await makeBuildDir(build("a", round)), b: await makeBuildDir(build("b", round)) };
    const started = new Set<Side>();
    let open: () => void = () => undefined;
    const bothIn = new Promise<void>((resolve) => (open = resolve));
    let bMovedOn: () => void = () => undefined;
    const bPastFirstRequest = new Promise<void>((resolve) => (bMovedOn = resolve));
    const failsafe = setTimeout(() => {
      open();
      bMovedOn();
    }, 20_000); // never wait forever if a run dies early
    if (round % 2 === 0) {
      // Each run's first request waits for the other's: both start together.
      gate = async (_request, side) => {
        if (started.has(side)) return;
        started.add(side);
        if (started.size === 2) open();
        await bothIn;
      };
    } else {
      // b starts once a is uploading, and a's upload waits until b's first request is done.
      gate = async (request, side) => {
        if (side === "b") {
          if (started.has("b")) bMovedOn();
          started.add("b");
          await bothIn;
        } else if (!started.has("a") && isObjectPut(request) && !(requestKey(request, bucket) ?? "").startsWith("_releases/")) {
          started.add("a");
          open();
          await bPastFirstRequest;
        }
      };
    }
    const runs = SIDES.map((side) => {
      const releaseId = `${side}-${round}`;
      const command = startCommand(["--env", "dev", "--dir", dirs[side], "--release", releaseId, "--bucket", bucket], {
        AWS_ENDPOINT_URL: proxy.endpoint,
        AWS_SDK_UA_APP_ID: `sync-${side}`,
      });
      return command.done.then((result) => {
        if (side === "b") bMovedOn();
        return { side, releaseId, result };
      });
    });
    const finished = await Promise.all(runs);
    clearTimeout(failsafe);
    // The invariant is checked as each round leaves the bucket, before the next one writes.
    for (const { side, releaseId, result } of finished) {
      const manifest = await readManifest(releaseId);
      const mismatched = manifest ? await mismatchedKeys(manifest) : [];
      results.push({ round, side, releaseId, result, manifest, mismatched });
    }
  }
}, 240_000);
afterAll(async () => {
  await proxy.close();
  s3.destroy();
});

async function readManifest(releaseId: string): Promise<AssetManifest | undefined> {
  try {
    const body = await getBody(s3, bucket, assetManifestKey({ name: "dev" }, releaseId));
    return AssetManifestSchema.parse(JSON.parse(body.toString("utf8")));
  } catch {
    return undefined;
  }
}

async function mismatchedKeys(manifest: AssetManifest): Promise<string[]> {
  const checked = await Promise.all(
    manifest.assets.map(async (entry) => ((sha256(await getBody(s3, bucket, entry.key)) === entry.sha256) ? undefined : entry.key)),
  );
  return checked.filter((key): key is string => key !== undefined);
}

describe(`${ROUNDS} rounds of two syncs at once into one bucket`, () => {
  it("leaves every manifest that was written matching the bucket's bytes for all its keys", () => {
    expect(results.filter((r) => r.manifest).map((r) => ({ release: r.releaseId, mismatched: r.mismatched }))).toEqual(
      results.filter((r) => r.manifest).map((r) => ({ release: r.releaseId, mismatched: [] })),
    );
  });

  it("writes a manifest exactly for the syncs that exit 0", () => {
    expect(results.map((r) => ({ release: r.releaseId, wroteManifest: r.manifest !== undefined }))).toEqual(
      results.map((r) => ({ release: r.releaseId, wroteManifest: r.result.code === 0 })),
    );
  });

  it("has every sync that did not finish say why, on an error line, without a stack trace", () => {
    const failed = results.filter((r) => r.result.code !== 0);
    expect(failed.map((r) => ({ release: r.releaseId, loud: /^error: /m.test(r.result.stderr) && !/^\s+at /m.test(r.result.stderr) }))).toEqual(
      failed.map((r) => ({ release: r.releaseId, loud: true })),
    );
  });

  it("names the run holding the lease when it refuses one", () => {
    const refused = results.filter((r) => r.result.code !== 0);
    expect(refused.map((r) => /another sync-assets run holds the lease .*: release [ab]-\d+ on /.test(r.result.stderr))).toEqual(
      refused.map(() => true),
    );
  });

  it("lets exactly one of the two finish in every round (the runs overlapped, so one was refused)", () => {
    const perRound = Array.from({ length: ROUNDS }, (_, round) => results.filter((r) => r.round === round && r.result.code === 0).length);
    expect(perRound).toEqual(Array.from({ length: ROUNDS }, () => 1));
  });
});
