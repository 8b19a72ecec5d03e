import { release, type ReleaseRequest } from "../../../scripts/release/release";
import { createFixture, person, type Fixture } from "./support";

const request = (releaseId: string, extra: Partial<ReleaseRequest> = {}): ReleaseRequest => ({
  releaseId,
  gitSha: "0123456789abcdef",
  unpin: false,
  ...person,
  ...extra,
});

describe("release", () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await createFixture("release", { versions: 3 });
    await fx.syncRelease("r1");
    await release(fx.target, fx.ports(), request("r1", { version: "1" }));
    await fx.syncRelease("r2");
  });

  it("moves alias live to the newest published version", async () => {
    const result = await release(fx.target, fx.ports(), request("r2"));
    expect(result).toMatchObject({ outcome: "released", before: { version: "1", releaseId: "r1" }, after: { version: "3", releaseId: "r2" } });
    expect(await fx.aliasVersion()).toEqual({ version: "3", weights: {} });
  });

  it("appends a ledger record with what was released, by whom, from where", async () => {
    const records = await fx.ledger();
    expect(records[0]).toMatchObject({
      seq: 2,
      kind: "release",
      env: "dev",
      releaseId: "r2",
      version: "3",
      previousVersion: "1",
      previousReleaseId: "r1",
      manifestKey: "_releases/dev/r2.assets.json",
      gitSha: "0123456789abcdef",
      actor: "tester",
    });
  });

  it("is a no-op that says so when the release is already live", async () => {
    const result = await release(fx.target, fx.ports(), request("r2"));
    expect(result).toMatchObject({ outcome: "no-op", message: expect.stringContaining("already live") });
  });
});

describe("release refusals", () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await createFixture("release-refuse");
  });

  it("refuses when the release has no asset manifest, naming the key", async () => {
    const result = await release(fx.target, fx.ports(), request("never-synced"));
    expect(result).toMatchObject({ outcome: "refused", reason: "manifest-missing", message: expect.stringContaining("_releases/dev/never-synced.assets.json") });
  });

  it("refuses when an asset in the manifest is missing, listing it", async () => {
    const [first] = await fx.syncRelease("partial");
    await fx.deleteObject(first);
    const result = await release(fx.target, fx.ports(), request("partial"));
    expect(result).toMatchObject({ outcome: "refused", reason: "assets-missing", missing: [first] });
  });

  it("leaves the alias where it was when it refuses", async () => {
    expect((await fx.aliasVersion()).version).toBe("1");
  });

  it("refuses a version that does not exist", async () => {
    await fx.syncRelease("v9");
    const result = await release(fx.target, fx.ports(), request("v9", { version: "9" }));
    expect(result).toMatchObject({ outcome: "refused", reason: "version-missing" });
  });

  it("refuses when the function's alias does not exist", async () => {
    const result = await release({ ...fx.target, functions: [{ ...fx.target.functions[0], alias: "nope" }] }, fx.ports(), request("v9"));
    expect(result).toMatchObject({ outcome: "refused", reason: "alias-missing" });
  });
});

describe("pinning", () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await createFixture("pin", { versions: 3 });
    for (const [id, version] of [["p1", "1"], ["p2", "2"]]) {
      await fx.syncRelease(id);
      await release(fx.target, fx.ports(), request(id, { version }));
    }
    await fx.syncRelease("p3");
    const { rollback } = await import("../../../scripts/release/rollback");
    await rollback(fx.target, fx.ports(), { reason: "bad deploy", dryRun: false, skipAssetCheck: false, ...person });
  });

  it("refuses to move forward after a rollback", async () => {
    const result = await release(fx.target, fx.ports(), request("p3"));
    expect(result).toMatchObject({ outcome: "refused", reason: "pinned", message: expect.stringContaining("--unpin") });
  });

  it("moves forward with --unpin and records that it did", async () => {
    const result = await release(fx.target, fx.ports(), request("p3", { unpin: true }));
    expect(result).toMatchObject({ outcome: "released", after: { version: "3" }, record: { unpinned: true } });
  });
});
