/**
 * The alias moved but its ledger record could not be written (PutObject denied, the next
 * key always taken): a distinct, loud outcome, never a silent one. A rollback whose record
 * is lost has lost its pin, so the next release must not move forward unnoticed.
 */
import { PASS, startFaultProxy, type FaultDecision, type FaultProxy, type ProxiedRequest } from "../../support/fault-proxy";
import { release, type ReleaseRequest } from "../../../scripts/release/release";
import { rollback, type RollbackRequest } from "../../../scripts/release/rollback";
import { createFixture, person, type Fixture } from "./support";

const isLedgerPut = (r: ProxiedRequest) => r.method === "PUT" && r.url.includes("/_releases/dev/ledger/");
const s3Error = (status: number, code: string): FaultDecision => ({
  kind: "respond",
  status,
  headers: { "content-type": "application/xml" },
  body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`,
});
const releaseRequest = (releaseId: string, extra: Partial<ReleaseRequest> = {}): ReleaseRequest => ({ releaseId, gitSha: null, unpin: false, ...person, ...extra });
const rollbackRequest: RollbackRequest = { reason: "bad deploy", dryRun: false, skipAssetCheck: false, ...person };

/** Releases a (v1) then b (v2), b live; c (v3) synced. */
async function releasesAB(label: string): Promise<Fixture> {
  const fx = await createFixture(label, { versions: 3 });
  for (const [id, version] of [["a", "1"], ["b", "2"]]) {
    await fx.syncRelease(id);
    await release(fx.target, fx.ports(), releaseRequest(id, { version }));
  }
  await fx.syncRelease("c");
  return fx;
}

describe("a move whose ledger record cannot be written", () => {
  let proxy: FaultProxy;
  beforeAll(async () => {
    proxy = await startFaultProxy(process.env.MOTO_ENDPOINT ?? "");
  });
  afterEach(() => proxy.setDecider(() => PASS));
  afterAll(() => proxy.close());

  it("is reported as moved-unrecorded when PutObject is denied, saying the alias DID move", async () => {
    const fx = await releasesAB("unrec-denied");
    proxy.setDecider((r) => (isLedgerPut(r) ? s3Error(403, "AccessDenied") : PASS));
    const result = await release(fx.target, fx.ports({ endpoint: proxy.endpoint }), releaseRequest("c", { version: "3" }));
    expect([result, (await fx.aliasVersion()).version]).toEqual([
      expect.objectContaining({ outcome: "moved-unrecorded", after: expect.objectContaining({ version: "3", releaseId: "c" }), message: expect.stringContaining("DID move") }),
      "3",
    ]);
  });

  it("is reported as moved-unrecorded when every ledger key it tries is taken", async () => {
    const fx = await releasesAB("unrec-taken");
    proxy.setDecider((r) => (isLedgerPut(r) ? s3Error(412, "PreconditionFailed") : PASS));
    const result = await release(fx.target, fx.ports({ endpoint: proxy.endpoint }), releaseRequest("c", { version: "3" }));
    expect(result).toMatchObject({ outcome: "moved-unrecorded", error: expect.stringContaining("could not append to the ledger") });
  });

  describe("after a rollback", () => {
    let fx: Fixture;
    let result: Awaited<ReturnType<typeof rollback>>;
    beforeAll(async () => {
      fx = await releasesAB("unrec-rb");
      proxy.setDecider((r) => (isLedgerPut(r) ? s3Error(503, "SlowDown") : PASS));
      const saved = process.env.AWS_MAX_ATTEMPTS;
      process.env.AWS_MAX_ATTEMPTS = "1";
      try {
        result = await rollback(fx.target, fx.ports({ endpoint: proxy.endpoint }), rollbackRequest);
      } finally {
        process.env.AWS_MAX_ATTEMPTS = saved;
        proxy.setDecider(() => PASS);
      }
    });

    it("says the alias moved back and that the environment is not pinned", async () => {
      expect([result, (await fx.aliasVersion()).version]).toEqual([
        expect.objectContaining({
          outcome: "moved-unrecorded",
          kind: "rollback",
          after: expect.objectContaining({ version: "1", releaseId: "a" }),
          message: expect.stringContaining("NOT pinned"),
        }),
        "1",
      ]);
    });

    it("keeps the next release from moving forward unnoticed", async () => {
      const next = await release(fx.target, fx.ports(), releaseRequest("c", { version: "3" }));
      expect([next, (await fx.aliasVersion()).version]).toEqual([expect.objectContaining({ outcome: "refused", reason: "ledger-drift" }), "1"]);
    });

    it("records the rollback, and with it the pin, when run again by name", async () => {
      const again = await rollback(fx.target, fx.ports(), { ...rollbackRequest, to: "a", movedFrom: { server: "2" } });
      const next = await release(fx.target, fx.ports(), releaseRequest("c", { version: "3" }));
      expect([again.outcome, next]).toEqual(["recorded", expect.objectContaining({ outcome: "refused", reason: "pinned" })]);
    });

    it("keeps the true before and after in that record (what the failed run said it moved from)", async () => {
      const [newest] = await fx.ledger();
      expect(newest).toMatchObject({ kind: "rollback", releaseId: "a", version: "1", previousVersion: "2", previousReleaseId: "b" });
    });
  });
});
