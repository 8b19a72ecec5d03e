import { DeleteFunctionCommand, UpdateAliasCommand } from "@aws-sdk/client-lambda";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { CallRecorder } from "../../../scripts/release/aws";
import { release } from "../../../scripts/release/release";
import { rollback, type RollbackRequest } from "../../../scripts/release/rollback";
import { createFixture, person, type Fixture } from "./support";

const request = (extra: Partial<RollbackRequest> = {}): RollbackRequest => ({
  reason: null,
  dryRun: false,
  skipAssetCheck: false,
  ...person,
  ...extra,
});

/** Asset keys of each release the last `threeReleases` call synced. */
const assetKeys = new Map<string, string[]>();

/** A fixture with releases a (v1), b (v2), c (v3); c is live. */
async function threeReleases(label: string): Promise<Fixture> {
  const fx = await createFixture(label, { versions: 3 });
  for (const [id, version] of [["a", "1"], ["b", "2"], ["c", "3"]]) {
    assetKeys.set(id, await fx.syncRelease(id));
    await release(fx.target, fx.ports(), { releaseId: id, version, gitSha: null, unpin: false, ...person });
  }
  return fx;
}

describe("rollback to the previous release", () => {
  let fx: Fixture;
  const recorder = new CallRecorder();
  let result: Awaited<ReturnType<typeof rollback>>;
  beforeAll(async () => {
    fx = await threeReleases("rb-prev");
    result = await rollback(fx.target, fx.ports({ recorder }), request({ reason: "errors after deploy" }));
  });

  it("points live at the release before the current one", async () => {
    expect(result).toMatchObject({ outcome: "rolled-back", before: { releaseId: "c", version: "3" }, after: { releaseId: "b", version: "2" } });
    expect(await fx.aliasVersion()).toEqual({ version: "2", weights: {} });
  });

  it("appends a rollback record with the reason", async () => {
    const [newest] = await fx.ledger();
    expect(newest).toMatchObject({ seq: 4, kind: "rollback", releaseId: "b", version: "2", previousVersion: "3", reason: "errors after deploy" });
  });

  it("needs at most six AWS calls", () => {
    expect(recorder.summary().calls).toBeLessThanOrEqual(6);
  });

  it("steps back one more release when run again", async () => {
    const again = await rollback(fx.target, fx.ports(), request());
    expect(again).toMatchObject({ outcome: "rolled-back", after: { releaseId: "a", version: "1" } });
  });
});

describe("rollback to a named release", () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await threeReleases("rb-named");
  });

  it("dry run checks everything and changes nothing", async () => {
    const result = await rollback(fx.target, fx.ports(), request({ to: "a", dryRun: true }));
    expect(result.outcome).toBe("dry-run");
    expect((await fx.aliasVersion()).version).toBe("3");
  });

  it("points live at the named release's version", async () => {
    const result = await rollback(fx.target, fx.ports(), request({ to: "a" }));
    expect(result).toMatchObject({ outcome: "rolled-back", after: { releaseId: "a", version: "1" } });
    expect((await fx.aliasVersion()).version).toBe("1");
  });

  it("is a no-op that says so when that release is already live", async () => {
    const result = await rollback(fx.target, fx.ports(), request({ to: "a" }));
    expect(result).toMatchObject({ outcome: "no-op", message: expect.stringContaining("already live") });
  });

  it("accepts a bare version and names the release that ran it", async () => {
    const result = await rollback(fx.target, fx.ports(), request({ to: "2" }));
    expect(result).toMatchObject({ outcome: "rolled-back", after: { releaseId: "b", version: "2" } });
  });

  it("refuses an unknown release id", async () => {
    const result = await rollback(fx.target, fx.ports(), request({ to: "zzz" }));
    expect(result).toMatchObject({ outcome: "refused", reason: "unknown-release" });
  });

  it("refuses a bare version with no release to check assets against", async () => {
    const result = await rollback(fx.target, fx.ports(), request({ to: "99" }));
    expect(result).toMatchObject({ outcome: "refused", reason: "unverifiable", message: expect.stringContaining("--skip-asset-check") });
  });
});

describe("rollback refusals", () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await threeReleases("rb-refuse");
  });

  it("refuses when the target's assets are missing, listing them", async () => {
    const victim = assetKeys.get("b")?.[1] ?? "";
    await fx.deleteObject(victim);
    const result = await rollback(fx.target, fx.ports(), request());
    expect(result).toMatchObject({ outcome: "refused", reason: "assets-missing", missing: [victim] });
    expect((await fx.aliasVersion()).version).toBe("3");
  });

  it("refuses when the target version was deleted, and changes nothing", async () => {
    await fx.lambda.send(new DeleteFunctionCommand({ FunctionName: fx.functionName, Qualifier: "1" }));
    const result = await rollback(fx.target, fx.ports(), request({ to: "a" }));
    expect(result).toMatchObject({ outcome: "refused", reason: "version-missing" });
    expect((await fx.aliasVersion()).version).toBe("3");
  });

  it("refuses the default target when the alias was moved outside the tools", async () => {
    await fx.lambda.send(new UpdateAliasCommand({ FunctionName: fx.functionName, Name: "live", FunctionVersion: "2" }));
    const result = await rollback(fx.target, fx.ports(), request());
    expect(result).toMatchObject({ outcome: "refused", reason: "ledger-drift" });
  });

  it("records a rollback someone did by hand when asked for it by name", async () => {
    // The alias already serves b (moved by hand above); the ledger still says c.
    const result = await rollback(fx.target, fx.ports(), request({ to: "b" }));
    expect(result).toMatchObject({ outcome: "recorded", after: { releaseId: "b" } });
  });
});

describe("rollback in a bucket of more than 1000 assets", () => {
  // One listing page holds 1000 keys. Release a also uses a vendor chunk that sorts after
  // 1100 old assets, so its check needs more than the first page; b's and c's do not.
  const vendor = "assets/zzz-vendor.0A1B2C3D.js";
  const putObject = (fx: Fixture, Key: string) => fx.s3.send(new PutObjectCommand({ Bucket: fx.target.bucket, Key, Body: "//" }));
  let fx: Fixture;
  beforeAll(async () => {
    fx = await createFixture("rb-big", { versions: 3 });
    await putObject(fx, vendor);
    for (const [id, version] of [["a", "1"], ["b", "2"], ["c", "3"]]) {
      await fx.syncRelease(id, { sharedKeys: id === "a" ? [vendor] : [] });
      await release(fx.target, fx.ports(), { releaseId: id, version, gitSha: null, unpin: false, ...person });
    }
    const old = Array.from({ length: 1100 }, (_, i) => `assets/zz-old-${String(i).padStart(4, "0")}.js`);
    for (let i = 0; i < old.length; i += 50) await Promise.all(old.slice(i, i + 50).map((key) => putObject(fx, key)));
  });

  it("still needs at most six AWS calls when the target's assets are on the first page", async () => {
    const recorder = new CallRecorder();
    const result = await rollback(fx.target, fx.ports({ recorder }), request());
    expect([result.outcome, recorder.summary().calls]).toEqual(["rolled-back", 6]);
  });

  it("finds a missing asset beyond the first page and refuses, listing it", async () => {
    await fx.deleteObject(vendor);
    const result = await rollback(fx.target, fx.ports(), request({ to: "a" }));
    expect(result).toMatchObject({ outcome: "refused", reason: "assets-missing", missing: [vendor] });
  });

  it("checks such an asset with one more listing call", async () => {
    await putObject(fx, vendor);
    const recorder = new CallRecorder();
    const result = await rollback(fx.target, fx.ports({ recorder }), request({ to: "a" }));
    expect([result.outcome, recorder.summary().calls]).toEqual(["rolled-back", 7]);
  });
});
