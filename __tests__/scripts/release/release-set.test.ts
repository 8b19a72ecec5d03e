/**
 * Releases of several functions (server, image optimizer, revalidation) against moto: every
 * alias of the set moves together, rollback restores the whole set, the ledger records every
 * version, and a failure part-way (injected by the fault proxy) leaves the set as it was or
 * says which alias is where, with the command that repairs it.
 */
import { PASS, startFaultProxy, type FaultDecision, type FaultProxy, type ProxiedRequest } from "../../support/fault-proxy";
import { release, type ReleaseRequest } from "../../../scripts/release/release";
import { rollback, type RollbackRequest } from "../../../scripts/release/rollback";
import { listReleases } from "../../../scripts/release/list";
import { createFixture, person, REGION, type Fixture } from "./support";

const SET = ["image", "revalidation"] as const;
const releaseRequest = (releaseId: string, extra: Partial<ReleaseRequest> = {}): ReleaseRequest => ({ releaseId, gitSha: null, unpin: false, ...person, ...extra });
const rollbackRequest = (extra: Partial<RollbackRequest> = {}): RollbackRequest => ({ reason: null, dryRun: false, skipAssetCheck: false, ...person, ...extra });

/** Every function's alias, by id. */
async function aliases(fx: Fixture): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const id of Object.keys(fx.functionNames)) {
    const { version, weights } = await fx.aliasVersion(id);
    out[id] = Object.keys(weights).length > 0 ? `${version}+${JSON.stringify(weights)}` : version;
  }
  return out;
}

/** A release "a" of version 1 of every function (live) and "b" of version 2 (synced, not released). */
async function setFixture(label: string): Promise<Fixture> {
  const fx = await createFixture(label, { versions: 2, functions: SET });
  await fx.syncRelease("a");
  await release(fx.target, fx.ports(), releaseRequest("a", { versions: { server: "1", image: "1", revalidation: "1" } }));
  await fx.syncRelease("b");
  return fx;
}

describe("a release of several functions", () => {
  let fx: Fixture;
  let result: Awaited<ReturnType<typeof release>>;
  beforeAll(async () => {
    fx = await setFixture("set");
    result = await release(fx.target, fx.ports(), releaseRequest("b"));
  });

  it("moves every alias of the set to its newest published version", async () => {
    expect([result.outcome, await aliases(fx)]).toEqual(["released", { server: "2", image: "2", revalidation: "2" }]);
  });

  it("records every function's version, before and after", async () => {
    const [newest] = await fx.ledger();
    expect(newest.functions).toEqual([
      { id: "server", functionName: fx.functionNames.server, alias: "live", version: "2", previousVersion: "1" },
      { id: "image", functionName: fx.functionNames.image, alias: "live", version: "2", previousVersion: "1" },
      { id: "revalidation", functionName: fx.functionNames.revalidation, alias: "live", version: "2", previousVersion: "1" },
    ]);
  });

  it("names every version in the record's key, so rollback needs no GET to plan", async () => {
    const keys = await fx.objectKeys("_releases/dev/ledger/");
    expect(keys.sort()[0]).toMatch(/\.release\.2_image-2_revalidation-2\.b\.json$/);
  });

  it("moves only the functions whose version changed", async () => {
    await fx.publishVersion("image");
    await fx.syncRelease("c");
    const next = await release(fx.target, fx.ports(), releaseRequest("c"));
    expect([next, await aliases(fx)]).toEqual([
      expect.objectContaining({ outcome: "released", after: expect.objectContaining({ versions: { server: "2", image: "3", revalidation: "2" } }) }),
      { server: "2", image: "3", revalidation: "2" },
    ]);
  });

  it("rolls the whole set back to the release before", async () => {
    const back = await rollback(fx.target, fx.ports(), rollbackRequest());
    expect([back.outcome, await aliases(fx)]).toEqual(["rolled-back", { server: "2", image: "2", revalidation: "2" }]);
  });

  it("restores a whole set by release id (rollback --to)", async () => {
    const back = await rollback(fx.target, fx.ports(), rollbackRequest({ to: "a" }));
    expect([back.outcome, await aliases(fx)]).toEqual(["rolled-back", { server: "1", image: "1", revalidation: "1" }]);
  });

  it("restores a whole set by the server's version: the set the newest record serving it names", async () => {
    // Server version 2 ran in releases b and c; the newest record that made it live is the rollback to b.
    const back = await rollback(fx.target, fx.ports(), rollbackRequest({ to: "2" }));
    expect([back, await aliases(fx)]).toEqual([
      expect.objectContaining({ outcome: "rolled-back", after: expect.objectContaining({ releaseId: "b" }) }),
      { server: "2", image: "2", revalidation: "2" },
    ]);
  });

  it("restores exactly the versions given by function (rollback --to server=2,image=3)", async () => {
    const back = await rollback(fx.target, fx.ports(), rollbackRequest({ to: "server=2,image=3" }));
    expect([back, await aliases(fx)]).toEqual([
      expect.objectContaining({ outcome: "rolled-back", after: expect.objectContaining({ releaseId: "c" }) }),
      { server: "2", image: "3", revalidation: "2" },
    ]);
  });

  it("lists every function's alias", async () => {
    const listed = await listReleases(fx.target, fx.ports(), { limit: 5 });
    expect(listed.aliases.map((a) => [a.id, a.state?.version])).toEqual([
      ["server", "2"],
      ["image", "3"],
      ["revalidation", "2"],
    ]);
  });
});

describe("a set taken from the ledger (rollback without an app build)", () => {
  it("rolls back every function the newest record names, knowing only how to name them", async () => {
    const fx = await setFixture("set-ledger");
    await release(fx.target, fx.ports(), releaseRequest("b"));
    const [server] = fx.target.functions;
    const fromLedger = { ...fx.target, functions: [server], functionsOf: (ids: readonly string[]) => ids.map((id) => ({ id, functionName: fx.functionNames[id], alias: "live" })) };
    const back = await rollback(fromLedger, fx.ports(), rollbackRequest());
    expect([back.outcome, await aliases(fx)]).toEqual(["rolled-back", { server: "1", image: "1", revalidation: "1" }]);
  });
});

describe("a set whose functions changed since an older release", () => {
  it("rolls back to a release from before a function existed, leaving that function's alias where it is and saying so", async () => {
    const fx = await createFixture("set-grow", { versions: 2, functions: ["image"] });
    const serverOnly = { ...fx.target, functions: fx.target.functions.slice(0, 1) };
    await fx.syncRelease("old");
    // Released when the app had only its server function: a single-function record.
    await release(serverOnly, fx.ports(), releaseRequest("old", { version: "1" }));
    await fx.syncRelease("new");
    await release(fx.target, fx.ports(), releaseRequest("new"));
    const back = await rollback(fx.target, fx.ports(), rollbackRequest());
    expect([back, await aliases(fx)]).toEqual([
      expect.objectContaining({ outcome: "rolled-back", warnings: [expect.stringContaining("names no image function")] }),
      { server: "1", image: "2" },
    ]);
  });
});

describe("a set that fails part-way", () => {
  let proxy: FaultProxy;
  const savedAttempts = process.env.AWS_MAX_ATTEMPTS;
  beforeAll(async () => {
    proxy = await startFaultProxy(process.env.MOTO_ENDPOINT ?? "");
    // The faults here outlast any retry; one attempt keeps the tests quick.
    process.env.AWS_MAX_ATTEMPTS = "1";
  });
  afterEach(() => proxy.setDecider(() => PASS));
  afterAll(async () => {
    process.env.AWS_MAX_ATTEMPTS = savedAttempts;
    await proxy.close();
  });

  const updateOf = (fx: Fixture, id: string) => (r: ProxiedRequest) =>
    r.method === "PUT" && r.url.endsWith(`/functions/${encodeURIComponent(fx.functionNames[id])}/aliases/live`);
  const movesTo = (r: ProxiedRequest, version: string) => (JSON.parse(r.body.toString() || "{}") as { FunctionVersion?: string }).FunctionVersion === version;
  const lambdaError = (status: number, type: string): FaultDecision => ({
    kind: "respond",
    status,
    headers: { "content-type": "application/json", "x-amzn-errortype": type },
    body: JSON.stringify({ Type: "User", message: `${type} (injected)` }),
  });

  it("puts back the aliases that moved when another is changed by someone else meanwhile, and records nothing", async () => {
    const fx = await setFixture("set-conflict");
    const records = (await fx.ledger()).length;
    proxy.setDecider((r) => (updateOf(fx, "image")(r) ? lambdaError(412, "PreconditionFailedException") : PASS));
    const result = await release(fx.target, fx.ports({ endpoint: proxy.endpoint }), releaseRequest("b"));
    expect([result, await aliases(fx), (await fx.ledger()).length]).toEqual([
      expect.objectContaining({ outcome: "refused", reason: "conflict", message: expect.stringMatching(/alias live of .*-image .*were put back/) }),
      { server: "1", image: "1", revalidation: "1" },
      records,
    ]);
  });

  it("puts back the aliases that moved when a rollback's move fails for another, and says nothing changed", async () => {
    const fx = await setFixture("set-rb-fail");
    await release(fx.target, fx.ports(), releaseRequest("b"));
    proxy.setDecider((r) => (updateOf(fx, "revalidation")(r) ? lambdaError(500, "ServiceException") : PASS));
    await expect(rollback(fx.target, fx.ports({ endpoint: proxy.endpoint }), rollbackRequest())).rejects.toMatchObject({
      name: "UserError",
      message: expect.stringMatching(/were put back: nothing changed$/),
    });
    expect(await aliases(fx)).toEqual({ server: "2", image: "2", revalidation: "2" });
  });

  describe("when putting the moved aliases back fails too", () => {
    let fx: Fixture;
    let result: Awaited<ReturnType<typeof release>>;
    beforeAll(async () => {
      fx = await setFixture("set-split");
      // The image alias cannot move, and the server's cannot be moved back to version 1.
      proxy.setDecider((r) =>
        updateOf(fx, "image")(r) || (updateOf(fx, "server")(r) && movesTo(r, "1")) ? lambdaError(500, "ServiceException") : PASS,
      );
      result = await release({ ...fx.target, region: REGION }, fx.ports({ endpoint: proxy.endpoint }), releaseRequest("b"));
    });

    it("says loudly that the set is split, and which alias is where", () => {
      expect(result).toMatchObject({
        outcome: "set-split",
        message: expect.stringContaining("THE RELEASE SET IS SPLIT"),
        aliases: [
          expect.objectContaining({ id: "server", state: "moved", position: { version: "2", weights: {} } }),
          expect.objectContaining({ id: "image", state: "back" }),
          expect.objectContaining({ id: "revalidation", state: "back" }),
        ],
      });
    });

    it("prints the command that puts each stray alias back", () => {
      expect(result).toMatchObject({
        fixCommands: [
          `aws lambda update-alias --region ${REGION} --function-name ${fx.functionNames.server} --name live --function-version 1 --routing-config 'AdditionalVersionWeights={}'`,
        ],
      });
    });

    it("leaves the aliases as it reported them", async () => {
      expect(await aliases(fx)).toEqual({ server: "2", image: "1", revalidation: "1" });
    });
  });
});
