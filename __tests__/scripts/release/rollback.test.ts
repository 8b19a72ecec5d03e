import { DeleteFunctionCommand, UpdateAliasCommand } from "@aws-sdk/client-lambda";
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
    await fx.lambda.send(new DeleteFunctionCommand({ FunctionName: fx.target.functionName, Qualifier: "1" }));
    const result = await rollback(fx.target, fx.ports(), request({ to: "a" }));
    expect(result).toMatchObject({ outcome: "refused", reason: "version-missing" });
    expect((await fx.aliasVersion()).version).toBe("3");
  });

  it("refuses the default target when the alias was moved outside the tools", async () => {
    await fx.lambda.send(new UpdateAliasCommand({ FunctionName: fx.target.functionName, Name: "live", FunctionVersion: "2" }));
    const result = await rollback(fx.target, fx.ports(), request());
    expect(result).toMatchObject({ outcome: "refused", reason: "ledger-drift" });
  });

  it("records a rollback someone did by hand when asked for it by name", async () => {
    // The alias already serves b (moved by hand above); the ledger still says c.
    const result = await rollback(fx.target, fx.ports(), request({ to: "b" }));
    expect(result).toMatchObject({ outcome: "recorded", after: { releaseId: "b" } });
  });
});
