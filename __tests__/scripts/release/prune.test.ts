import { PutObjectCommand } from "@aws-sdk/client-s3";
import { prune } from "../../../scripts/release/prune";
import { release } from "../../../scripts/release/release";
import { createFixture, instantClock, person, type Fixture } from "./support";

/** Everything is "old" for this clock: a minute in the future with a zero-day age limit. */
const later = instantClock(undefined, Date.now() + 60_000);

describe("prune", () => {
  let fx: Fixture;
  const keys: Record<string, string[]> = {};
  const shared = "assets/vendor.SHARED01.js";
  let dryRun: Awaited<ReturnType<typeof prune>>;

  beforeAll(async () => {
    fx = await createFixture("prune", { versions: 4 });
    await fx.s3.send(new PutObjectCommand({ Bucket: fx.target.bucket, Key: shared, Body: "vendor" }));
    for (const [id, version] of [["r1", "1"], ["r2", "2"], ["r3", "3"], ["r4", "4"]]) {
      // r1 and r4 both use the shared vendor chunk.
      keys[id] = await fx.syncRelease(id, { sharedKeys: id === "r1" || id === "r4" ? [shared] : [] });
      await release(fx.target, fx.ports(), { releaseId: id, version, gitSha: null, unpin: false, ...person });
    }
    await fx.publishVersion(); // version 5: published by a deploy, not released yet
    dryRun = await prune(fx.target, fx.ports({ clock: later }), { keep: 2, minAgeDays: 0, yes: false });
  });

  it("lists, without --yes, the assets only releases outside the last n use", () => {
    const expected = [...keys.r1, ...keys.r2].filter((k) => k !== shared).sort();
    expect(dryRun.outcome === "dry-run" && dryRun.assets.map((a) => a.key).sort()).toEqual(expected);
  });

  it("lists, without --yes, the versions only releases outside the last n ran", () => {
    expect(dryRun.outcome === "dry-run" && dryRun.versions.map((v) => v.version).sort()).toEqual(["1", "2"]);
  });

  it("deletes nothing without --yes", async () => {
    expect((await fx.objectKeys("assets/")).length).toBe(9);
    expect(await fx.versions()).toEqual(["1", "2", "3", "4", "5"]);
  });

  it("keeps everything younger than the age limit", async () => {
    const result = await prune(fx.target, fx.ports(), { keep: 2, minAgeDays: 7, yes: false });
    expect(result).toMatchObject({ outcome: "dry-run", assets: [], versions: [] });
  });

  describe("with --yes", () => {
    beforeAll(async () => {
      await prune(fx.target, fx.ports({ clock: later }), { keep: 2, minAgeDays: 0, yes: true });
    });

    it("deletes the assets the dry run listed", async () => {
      const remaining = new Set(await fx.objectKeys("assets/"));
      expect([...keys.r1, ...keys.r2].filter((k) => k !== shared && remaining.has(k))).toEqual([]);
    });

    it("keeps every asset a kept release references, shared ones included", async () => {
      const remaining = new Set(await fx.objectKeys("assets/"));
      expect([...keys.r3, ...keys.r4].filter((k) => !remaining.has(k))).toEqual([]);
    });

    it("deletes old versions and keeps the kept releases' and the unreleased newest", async () => {
      expect(await fx.versions()).toEqual(["3", "4", "5"]);
    });

    it("never deletes manifests or ledger records", async () => {
      expect((await fx.objectKeys("_releases/dev/")).length).toBe(8);
    });
  });
});

describe("prune of a release of several functions", () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await createFixture("prune-set", { versions: 4, functions: ["image"] });
    // r1..r4 run server i; the image function changed only in r2 and r4 (versions 1, 2, 2, 3).
    const image = { r1: "1", r2: "2", r3: "2", r4: "3" } as const;
    for (const [i, id] of (["r1", "r2", "r3", "r4"] as const).entries()) {
      await fx.syncRelease(id);
      await release(fx.target, fx.ports(), { releaseId: id, versions: { server: String(i + 1), image: image[id] }, gitSha: null, unpin: false, ...person });
    }
    await prune(fx.target, fx.ports({ clock: later }), { keep: 2, minAgeDays: 0, yes: true });
  });

  it("keeps the server versions of the kept releases and the unreleased newest", async () => {
    expect(await fx.versions()).toEqual(["3", "4"]);
  });

  it("keeps each function's versions the kept releases name, as the ledger records them, and the newest published", async () => {
    // Kept releases r3 and r4 run image 2 and 3; version 4 is the newest published (never released).
    expect(await fx.versions("image")).toEqual(["2", "3", "4"]);
  });
});
