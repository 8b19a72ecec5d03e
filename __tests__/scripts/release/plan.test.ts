import { indexFromKeys, ledgerKey } from "../../../scripts/release/ledger";
import { canaryWeights, latestVersion, ledgerFunctions, missingAssets, planPrune, planRelease, planRollback, type PruneInput } from "../../../scripts/release/plan";
import type { AliasInfo, ReleaseTarget } from "../../../scripts/release/ports";
import type { AssetManifest } from "../../../lib/asset-manifest";
import { ledger, LIVE as live, manifest, NOW as now, OLD as old, PREFIX, served, serverFunction } from "./plan-support";


describe("planRelease", () => {
  it("moves the alias to a new version", () => {
    const plan = planRelease({ index: ledger(["release", "1", "a"]), aliases: served("1"), versions: { server: "2" }, releaseId: "b", unpin: false });
    expect(plan.kind).toBe("move");
  });

  it("refuses while a rollback pins the environment", () => {
    const index = ledger(["release", "1", "a"], ["release", "2", "b"], ["rollback", "1", "a"]);
    const plan = planRelease({ index, aliases: served("1"), versions: { server: "3" }, releaseId: "c", unpin: false });
    expect(plan).toMatchObject({ kind: "pinned", pin: { seq: 3 } });
  });

  it("moves a pinned environment forward with --unpin", () => {
    const index = ledger(["release", "1", "a"], ["release", "2", "b"], ["rollback", "1", "a"]);
    expect(planRelease({ index, aliases: served("1"), versions: { server: "3" }, releaseId: "c", unpin: true }).kind).toBe("move");
  });

  it("is a no-op when the release is already live", () => {
    const plan = planRelease({ index: ledger(["release", "2", "b"]), aliases: served("2"), versions: { server: "2" }, releaseId: "b", unpin: false });
    expect(plan.kind).toBe("no-op");
  });

  it("only records a first release of the version the alias already serves", () => {
    const plan = planRelease({ index: ledger(), aliases: served("1"), versions: { server: "1" }, releaseId: "a", unpin: false });
    expect(plan.kind).toBe("record-only");
  });

  it("refuses when the alias serves a version the ledger's newest record does not (a lost rollback record)", () => {
    const plan = planRelease({ index: ledger(["release", "1", "a"], ["release", "2", "b"]), aliases: served("1"), versions: { server: "3" }, releaseId: "c", unpin: false });
    expect(plan).toMatchObject({ kind: "drift", message: expect.stringContaining("npm run rollback -- --env <env> --to 1") });
  });

  it("moves forward from such drift with --unpin, and says so", () => {
    const plan = planRelease({ index: ledger(["release", "1", "a"], ["release", "2", "b"]), aliases: served("1"), versions: { server: "3" }, releaseId: "c", unpin: true });
    expect(plan.kind === "move" && plan.notes.join()).toMatch(/releasing anyway \(--unpin\)/);
  });

  it("records a release whose versions are already live under another release id (an assets-only change)", () => {
    const plan = planRelease({ index: ledger(["release", "2", "b"]), aliases: served("2"), versions: { server: "2" }, releaseId: "b-assets", unpin: false });
    expect(plan.kind).toBe("record-only");
  });

  it("records, rather than skips, the live release when --unpin lifts a rollback's pin on it", () => {
    const index = ledger(["release", "1", "a"], ["release", "2", "b"], ["rollback", "1", "a"]);
    expect(planRelease({ index, aliases: served("1"), versions: { server: "1" }, releaseId: "a", unpin: true }).kind).toBe("record-only");
  });

  it("replaces routing weights an unfinished canary left, and says so", () => {
    const plan = planRelease({ index: ledger(["release", "1", "a"]), aliases: served("1", { "2": 0.1 }), versions: { server: "2" }, releaseId: "b", unpin: false });
    expect(plan.kind === "move" && plan.notes.join()).toMatch(/unfinished canary/);
  });
});

describe("canaryWeights", () => {
  it("rises linearly from the first percentage towards full traffic", () => {
    expect(canaryWeights(10, 3)).toEqual([0.1, 0.4, 0.7]);
  });

  it("has one weighted step when asked for one", () => {
    expect(canaryWeights(25, 1)).toEqual([0.25]);
  });

  it("rejects a percentage outside 1-99", () => {
    expect(() => canaryWeights(100, 2)).toThrow(RangeError);
  });

  it("rejects 0 %, which would shift no traffic", () => {
    expect(() => canaryWeights(0, 3)).toThrow(RangeError);
  });

  it("rejects 0 steps", () => {
    expect(() => canaryWeights(10, 0)).toThrow(RangeError);
  });

  it("rejects a fractional number of steps", () => {
    expect(() => canaryWeights(10, 1.5)).toThrow(RangeError);
  });
});

describe("latestVersion", () => {
  const published = (...versions: string[]) => versions.map((version) => ({ version, lastModified: undefined }));

  it("compares versions as numbers", () => {
    expect(latestVersion(published("9", "10"))).toBe("10");
  });

  it("finds the newest in a list that is not sorted", () => {
    expect(latestVersion(published("10", "12", "9"))).toBe("12");
  });

  it("ignores $LATEST", () => {
    expect(latestVersion(published("$LATEST", "3"))).toBe("3");
  });

  it("is undefined when only $LATEST exists", () => {
    expect(latestVersion(published("$LATEST"))).toBeUndefined();
  });
});

describe("planRollback", () => {
  const history = ledger(["release", "1", "a"], ["release", "2", "b"], ["release", "3", "c"]);

  it("targets the release before the live one by default", () => {
    expect(planRollback({ index: history, aliases: served("3") })).toMatchObject({ kind: "move", target: { version: "2", releaseId: "b" } });
  });

  it("keeps stepping back when rolled back again", () => {
    const index = ledger(["release", "1", "a"], ["release", "2", "b"], ["release", "3", "c"], ["rollback", "2", "b"]);
    expect(planRollback({ index, aliases: served("2") })).toMatchObject({ kind: "move", target: { releaseId: "a" } });
  });

  it("skips earlier releases that ran the same version", () => {
    const index = ledger(["release", "1", "a"], ["release", "2", "b"], ["release", "2", "b2"]);
    expect(planRollback({ index, aliases: served("2") })).toMatchObject({ target: { releaseId: "a" } });
  });

  it("targets a named release", () => {
    expect(planRollback({ index: history, aliases: served("3"), to: "a" })).toMatchObject({ kind: "move", target: { version: "1", releaseId: "a" } });
  });

  it("names the release a bare version ran", () => {
    expect(planRollback({ index: history, aliases: served("3"), to: "2" })).toMatchObject({ target: { version: "2", releaseId: "b" } });
  });

  it("accepts a bare version no release ran, without a release id", () => {
    expect(planRollback({ index: history, aliases: served("3"), to: "7" })).toMatchObject({ kind: "move", target: { version: "7", releaseId: null } });
  });

  it("refuses an unknown release id and lists recent ones", () => {
    const plan = planRollback({ index: history, aliases: served("3"), to: "nope" });
    expect(plan).toMatchObject({ kind: "refuse", reason: "unknown-release", message: expect.stringContaining("c, b, a") });
  });

  it("is a no-op when the target is already live", () => {
    expect(planRollback({ index: history, aliases: served("3"), to: "c" }).kind).toBe("no-op");
  });

  it("records without moving when the alias is already there but the ledger is behind", () => {
    expect(planRollback({ index: history, aliases: served("2"), to: "b" }).kind).toBe("record-only");
  });

  it("refuses the default target when the alias disagrees with the ledger", () => {
    expect(planRollback({ index: history, aliases: served("1") })).toMatchObject({ kind: "refuse", reason: "ledger-drift" });
  });

  it("refuses a default rollback after rolling back to the oldest release", () => {
    const index = ledger(["release", "1", "a"], ["release", "2", "b"], ["rollback", "1", "a"]);
    expect(planRollback({ index, aliases: served("1") })).toMatchObject({ kind: "refuse", reason: "nothing-earlier" });
  });

  it("refuses when there is no earlier release", () => {
    expect(planRollback({ index: ledger(["release", "1", "a"]), aliases: served("1") })).toMatchObject({ kind: "refuse", reason: "nothing-earlier" });
  });

  it("refuses on an empty ledger", () => {
    expect(planRollback({ index: ledger(), aliases: served("1") })).toMatchObject({ kind: "refuse", reason: "empty-ledger" });
  });

  it("returns an unfinished canary's traffic to the stable version", () => {
    expect(planRollback({ index: history, aliases: served("3", { "4": 0.1 }) })).toMatchObject({
      kind: "move",
      target: { version: "3", releaseId: "c" },
      clearsCanary: true,
    });
  });
});

describe("missingAssets", () => {
  it("lists manifest keys the bucket lacks", () => {
    const manifest = { assets: [{ key: "assets/a.js" }, { key: "assets/b.css" }] } as AssetManifest;
    expect(missingAssets(manifest, new Set(["assets/a.js"]))).toEqual(["assets/b.css"]);
  });
});

describe("planPrune", () => {
  const recent = new Date("2025-06-29T00:00:00Z");
  const server = serverFunction(["1", "2", "3", "4"]);
  /** The base input with the server function's aliases replaced. */
  const withAliases = (aliases: AliasInfo[]): Pick<PruneInput, "functions"> => ({ functions: [{ ...server, aliases }] });
  const base: PruneInput = {
    index: ledger(["release", "1", "a"], ["release", "2", "b"], ["release", "3", "c"]),
    functions: [server],
    assets: ["assets/a.js", "assets/b.js", "assets/c.js", "assets/shared.css"].map((key) => ({ key, lastModified: old, size: 1 })),
    manifests: new Map([
      ["c", manifest("c", ["assets/c.js", "assets/shared.css"])],
      ["b", manifest("b", ["assets/b.js", "assets/shared.css"])],
    ]),
    recentManifests: [],
    keep: 2,
    minAgeDays: 7,
    now,
  };
  const keys = (plan: ReturnType<typeof planPrune>) => (plan.kind === "plan" ? plan.deleteAssets.map((a) => a.key) : plan.message);
  const versions = (plan: ReturnType<typeof planPrune>) => (plan.kind === "plan" ? plan.deleteVersions.map((v) => v.version) : plan.message);

  it("deletes old assets only releases outside the last n reference", () => {
    expect(keys(planPrune(base))).toEqual(["assets/a.js"]);
  });

  it("keeps assets younger than the age limit", () => {
    const assets = base.assets.map((a) => (a.key === "assets/a.js" ? { ...a, lastModified: recent } : a));
    expect(keys(planPrune({ ...base, assets }))).toEqual([]);
  });

  it("keeps assets a recent, not yet released manifest references", () => {
    expect(keys(planPrune({ ...base, recentManifests: [manifest("d", ["assets/a.js"])] }))).toEqual([]);
  });

  it("keeps the live release when it is older than the last n", () => {
    const aliases = [{ ...live, version: "1" }];
    const plan = planPrune({ ...base, ...withAliases(aliases), manifests: new Map([...base.manifests, ["a", manifest("a", ["assets/a.js"])]]) });
    expect(keys(plan)).toEqual([]);
  });

  it("deletes versions outside the last n releases", () => {
    expect(versions(planPrune(base))).toEqual(["1"]);
  });

  it("keeps a version another alias routes traffic to", () => {
    const aliases = [live, { name: "preview", version: "3", weights: { "1": 0.5 } }];
    const manifests = new Map([...base.manifests, ["a", manifest("a", ["assets/a.js"])]]);
    expect(versions(planPrune({ ...base, ...withAliases(aliases), manifests }))).toEqual([]);
  });

  it("keeps versions newer than the newest release (published, not yet released)", () => {
    expect(versions(planPrune(base))).not.toContain("4");
  });

  it("keeps every unreleased version, not only the newest published one", () => {
    const server5 = { ...server, versions: ["1", "2", "3", "4", "5"].map((version) => ({ version, lastModified: old })) };
    expect(versions(planPrune({ ...base, functions: [server5] }))).toEqual(["1"]);
  });

  it("keeps the newest published version even when an older one was released after it (Terraform's state points at it)", () => {
    const index = ledger(["release", "1", "a"], ["release", "3", "b"], ["release", "2", "c"]);
    const aliases = [{ ...live, version: "2" }];
    const functions = [{ ...server, aliases, versions: ["1", "2", "3"].map((version) => ({ version, lastModified: old })) }];
    const plan = planPrune({ ...base, index, functions, keep: 1, manifests: new Map([["c", manifest("c", [])]]) });
    expect(versions(plan)).toEqual(["1"]);
  });

  it("refuses when the live version matches no release", () => {
    expect(planPrune({ ...base, ...withAliases([{ ...live, version: "4" }]) }).kind).toBe("refuse");
  });

  it("refuses when a kept release's manifest is missing", () => {
    expect(planPrune({ ...base, manifests: new Map([["c", undefined], ["b", base.manifests.get("b")]]) }).kind).toBe("refuse");
  });
});

describe("ledgerFunctions", () => {
  const target: ReleaseTarget = {
    env: "dev",
    bucket: "b",
    functions: [{ id: "server", functionName: "web-ssr", alias: "live" }],
    functionsOf: (ids) => ids.map((id) => ({ id, functionName: `web-${id}`, alias: "live" })),
    alarmPrefix: "web-",
  };
  const key = (seq: number, versions: Record<string, string>) => ledgerKey(PREFIX, { seq, kind: "release", versions, releaseId: `r${seq}` });

  it("takes the functions the newest release names, the server first", () => {
    const index = indexFromKeys(PREFIX, [key(1, { server: "1" }), key(2, { server: "2", revalidation: "1", image: "1" })]);
    expect(ledgerFunctions(target, index).map((fn) => fn.functionName)).toEqual(["web-server", "web-image", "web-revalidation"]);
  });

  it("is the server alone before the first release", () => {
    expect(ledgerFunctions(target, indexFromKeys(PREFIX, [])).map((fn) => fn.id)).toEqual(["server"]);
  });

  it("is the target's own list when it names its functions", () => {
    expect(ledgerFunctions({ ...target, functionsOf: undefined }, indexFromKeys(PREFIX, [key(1, { server: "1", image: "1" })]))).toBe(target.functions);
  });
});
