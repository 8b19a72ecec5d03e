/**
 * A sync through a proxy that answers about 10 % of requests with 500 InternalError or
 * 503 SlowDown (S3's XML error bodies) or by resetting the connection.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { assetManifestKey } from "../../../lib/naming";
import { syncAssets, type SyncOutcome } from "../../../scripts/sync-assets/sync";
import { PASS, startFaultProxy, type FaultProxy } from "../../support/fault-proxy";
import {
  createBucket,
  directClient,
  getBody,
  listKeys,
  makeBuildDir,
  manyFiles,
  motoEndpoint,
  s3Error,
  seededRandom,
  sha256,
  storeFor,
  syncRequest,
} from "./helpers";

describe("a sync through 500s, SlowDowns and connection resets", () => {
  const files = manyFiles(60);
  let s3: S3Client;
  let proxy: FaultProxy;
  let bucket: string;
  let outcome: SyncOutcome;

  beforeAll(async () => {
    s3 = directClient();
    bucket = await createBucket(s3, "faults");
    const random = seededRandom(42);
    proxy = await startFaultProxy(motoEndpoint(), () => {
      const roll = random();
      if (roll < 0.04) return s3Error(500, "InternalError", "We encountered an internal error. Please try again.");
      if (roll < 0.07) return s3Error(503, "SlowDown", "Please reduce your request rate.");
      if (roll < 0.1) return { kind: "reset" };
      return PASS;
    });
    const store = storeFor(bucket, { endpoint: proxy.endpoint });
    outcome = await syncAssets(store, syncRequest(await makeBuildDir(files)));
    store.close();
  });
  afterAll(async () => {
    await proxy.close();
    s3.destroy();
  });

  it("met every kind of fault on the way", () => {
    const statuses = new Set(
      proxy.log.map((e) => (e.decision === "respond" ? "error-response" : e.decision)).filter((d) => d !== "pass"),
    );
    expect([...statuses].sort()).toEqual(["error-response", "reset"]);
  });

  it("completes", () => {
    expect(outcome.kind).toBe("synced");
  });

  it("leaves every object byte-identical to its file", async () => {
    const stored = await Promise.all(Object.keys(files).map(async (key) => sha256(await getBody(s3, bucket, key))));
    expect(stored).toEqual(Object.values(files).map((content) => sha256(content)));
  });

  it("writes the manifest", async () => {
    expect(await listKeys(s3, bucket, "_releases/")).toEqual([assetManifestKey({ name: "dev" }, "r1")]);
  });
});
