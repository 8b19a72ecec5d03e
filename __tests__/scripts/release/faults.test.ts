/**
 * Faults moto cannot produce by itself, injected by a proxy in front of it: a stale
 * RevisionId on UpdateAlias, throttling, denied credentials. And two ledger writers racing.
 */
import { PASS, startFaultProxy, type FaultDecision, type FaultProxy, type ProxiedRequest } from "../../support/fault-proxy";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { releaseLedgerPrefix } from "../../../lib/naming";
import { recordKey, serializeRecord, type LedgerRecord } from "../../../scripts/release/ledger";
import { listReleases } from "../../../scripts/release/list";
import { release } from "../../../scripts/release/release";
import { rollback, type RollbackRequest } from "../../../scripts/release/rollback";
import { appendRecord, readLedger } from "../../../scripts/release/store";
import { createFixture, person, type Fixture } from "./support";

const rollbackRequest: RollbackRequest = { reason: null, dryRun: false, skipAssetCheck: false, ...person };

const isUpdateAlias = (r: ProxiedRequest) => r.method === "PUT" && /\/functions\/[^/]+\/aliases\/live$/.test(r.url);
const isGetAlias = (r: ProxiedRequest) => r.method === "GET" && /\/functions\/[^/]+\/aliases\/live$/.test(r.url);

function lambdaError(status: number, type: string, message: string): FaultDecision {
  return {
    kind: "respond",
    status,
    headers: { "content-type": "application/json", "x-amzn-errortype": type },
    body: JSON.stringify({ Type: "User", message }),
  };
}

/** Releases a (v1) then b (v2); b is live. */
async function twoReleases(label: string): Promise<Fixture> {
  const fx = await createFixture(label, { versions: 2 });
  for (const [id, version] of [["a", "1"], ["b", "2"]]) {
    await fx.syncRelease(id);
    await release(fx.target, fx.ports(), { releaseId: id, version, gitSha: null, unpin: false, ...person });
  }
  return fx;
}

describe("AWS faults", () => {
  let proxy: FaultProxy;
  let fx: Fixture;
  beforeAll(async () => {
    proxy = await startFaultProxy(process.env.MOTO_ENDPOINT ?? "");
    fx = await twoReleases("faults");
  });
  afterEach(() => proxy.setDecider(() => PASS));
  afterAll(() => proxy.close());

  it("refuses a rollback when the alias changed since it was read (stale RevisionId), overwriting nothing", async () => {
    proxy.setDecider((r) =>
      isUpdateAlias(r) ? lambdaError(412, "PreconditionFailedException", "The Revision Id provided does not match the latest Revision Id.") : PASS,
    );
    const recordsBefore = (await fx.ledger()).length;
    const result = await rollback(fx.target, fx.ports({ endpoint: proxy.endpoint }), rollbackRequest);
    expect(result).toMatchObject({ outcome: "refused", reason: "conflict", message: expect.stringContaining("changed after it was read") });
    expect((await fx.ledger()).length).toBe(recordsBefore);
  });

  describe("when GetAlias returns no RevisionId", () => {
    /** GetAlias answered as moto would, minus the RevisionId; every other call passes. */
    const withoutRevisionId = (r: ProxiedRequest): FaultDecision =>
      isGetAlias(r)
        ? {
            kind: "respond",
            status: 200,
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ AliasArn: `arn:aws:lambda:eu-west-1:123456789012:function:${fx.functionName}:live`, Name: "live", FunctionVersion: "2" }),
          }
        : PASS;

    it("refuses a rollback rather than update the alias unconditionally", async () => {
      proxy.setDecider(withoutRevisionId);
      const result = await rollback(fx.target, fx.ports({ endpoint: proxy.endpoint }), rollbackRequest);
      expect([result, (await fx.aliasVersion()).version]).toEqual([
        expect.objectContaining({ outcome: "refused", reason: "no-revision-id", message: expect.stringContaining("returned no RevisionId") }),
        "2",
      ]);
    });

    it("refuses a release without sending any UpdateAlias", async () => {
      proxy.setDecider(withoutRevisionId);
      const seen = proxy.log.length;
      await fx.syncRelease("c");
      const result = await release(fx.target, fx.ports({ endpoint: proxy.endpoint }), { releaseId: "c", version: "1", gitSha: null, unpin: true, ...person });
      expect([result, proxy.log.slice(seen).filter((e) => isUpdateAlias(e.request))]).toEqual([
        expect.objectContaining({ outcome: "refused", reason: "no-revision-id" }),
        [],
      ]);
    });
  });

  it("retries throttled calls with backoff and then succeeds", async () => {
    let throttled = 0;
    proxy.setDecider((r) => (isGetAlias(r) && throttled++ < 2 ? lambdaError(429, "TooManyRequestsException", "Rate exceeded") : PASS));
    const result = await rollback(fx.target, fx.ports({ endpoint: proxy.endpoint }), rollbackRequest);
    expect(result).toMatchObject({ outcome: "rolled-back", after: { releaseId: "a" } });
    expect(proxy.log.filter((e) => isGetAlias(e.request)).map((e) => e.decision).slice(-3)).toEqual(["respond", "respond", "pass"]);
  });

  it("reports throttling that outlasts the retries as a clear error", async () => {
    proxy.setDecider((r) => (isGetAlias(r) ? lambdaError(429, "TooManyRequestsException", "Rate exceeded") : PASS));
    const saved = process.env.AWS_MAX_ATTEMPTS;
    process.env.AWS_MAX_ATTEMPTS = "2";
    try {
      await expect(rollback(fx.target, fx.ports({ endpoint: proxy.endpoint }), rollbackRequest)).rejects.toMatchObject({
        name: "UserError",
        exitCode: 1,
        message: expect.stringMatching(/AWS throttled lambda:GetAlias .* after 2 attempts/),
      });
    } finally {
      process.env.AWS_MAX_ATTEMPTS = saved;
    }
  });

  it("reports denied credentials as a clear error", async () => {
    proxy.setDecider((r) => (isGetAlias(r) ? lambdaError(403, "AccessDeniedException", "User is not authorized to perform lambda:GetAlias") : PASS));
    await expect(rollback(fx.target, fx.ports({ endpoint: proxy.endpoint }), rollbackRequest)).rejects.toMatchObject({
      name: "UserError",
      exitCode: 1,
      message: expect.stringMatching(/AWS denied lambda:GetAlias .*credentials/),
    });
  });

  it("reports a missing bucket by name", async () => {
    const bucket = "no-such-bucket-anywhere";
    await expect(rollback({ ...fx.target, bucket }, fx.ports({ bucket }), rollbackRequest)).rejects.toThrow(
      /bucket no-such-bucket-anywhere does not exist/,
    );
  });
});

describe("two ledger writers", () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await twoReleases("writers");
  });

  const draft = (releaseId: string, version: string): Omit<LedgerRecord, "seq" | "formatVersion"> => ({
    kind: "release",
    env: "dev",
    releaseId,
    version,
    previousVersion: "2",
    previousReleaseId: "b",
    manifestKey: null,
    gitSha: null,
    time: new Date().toISOString(),
    actor: "someone-else",
    functionName: fx.functionName,
    alias: "live",
  });

  it("never overwrite a record: the later writer takes the next sequence number", async () => {
    const stale = await readLedger(fx.ports().storage, "dev");
    // Another writer appends the same record first (a retried CI job, say).
    const first = await appendRecord(fx.ports().storage, "dev", stale, draft("c", "3"));
    const second = await appendRecord(fx.ports().storage, "dev", stale, draft("c", "3"));
    expect([first.record.seq, second.record.seq]).toEqual([3, 4]);
  });

  it("keep both records when racing writers wrote different records, and say so", async () => {
    const stale = await readLedger(fx.ports().storage, "dev");
    const seq = stale.entries[0].seq + 1;
    const other = { ...draft("x", "9"), seq, formatVersion: 1 as const };
    await fx.s3.send(
      new PutObjectCommand({
        Bucket: fx.target.bucket,
        Key: recordKey(releaseLedgerPrefix({ name: "dev" }), other),
        Body: serializeRecord(other),
      }),
    );
    await appendRecord(fx.ports().storage, "dev", stale, draft("y", "8"));
    const listed = await listReleases(fx.target, fx.ports(), { limit: 10 });
    expect(listed.warnings.join()).toMatch(new RegExp(`two records share sequence number ${seq}`));
  });
});
