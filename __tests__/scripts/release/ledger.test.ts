import {
  indexFromKeys,
  ledgerHead,
  ledgerKey,
  nextSequence,
  parseLedgerKey,
  pinningRecord,
  sharedSequences,
} from "../../../scripts/release/ledger";

const PREFIX = "_releases/prod/ledger/";

describe("release ledger keys", () => {
  it("list the newest record first in S3's lexicographic order", () => {
    const keys = [1, 2, 10, 9].map((seq) => ledgerKey(PREFIX, { seq, kind: "release", versions: { server: String(seq) }, releaseId: `r${seq}` }));
    expect([...keys].sort().map((k) => parseLedgerKey(PREFIX, k)?.seq)).toEqual([10, 9, 2, 1]);
  });

  it("carry kind, version and a dotted release id through the key", () => {
    const key = ledgerKey(PREFIX, { seq: 42, kind: "canary-abort", versions: { server: "12" }, releaseId: "2024.06.01-3" });
    expect(parseLedgerKey(PREFIX, key)).toEqual({ key, seq: 42, kind: "canary-abort", version: "12", versions: { server: "12" }, releaseId: "2024.06.01-3" });
  });

  it("carry every function's version of a release of several functions", () => {
    const versions = { server: "13", image: "7", "image-optimizer": "12", revalidation: "3" };
    const key = ledgerKey(PREFIX, { seq: 43, kind: "release", versions, releaseId: "r_1" });
    expect(parseLedgerKey(PREFIX, key)).toMatchObject({ version: "13", versions, releaseId: "r_1" });
  });

  it("write the server's version first, the others by id", () => {
    const key = ledgerKey(PREFIX, { seq: 1, kind: "release", versions: { revalidation: "3", server: "13", image: "7" }, releaseId: "a" });
    expect(key).toBe(`${PREFIX}999999999998.release.13_image-7_revalidation-3.a.json`);
  });

  it("read a key written before releases had several functions as the server's version", () => {
    expect(parseLedgerKey(PREFIX, `${PREFIX}999999999957.rollback.12.2024-06-01.3.json`)).toMatchObject({ version: "12", versions: { server: "12" } });
  });

  it("ignore a key that names a function twice", () => {
    expect(parseLedgerKey(PREFIX, `${PREFIX}999999999998.release.13_image-7_image-8.a.json`)).toBeUndefined();
  });

  it("carry a rollback to a bare version as a null release id", () => {
    const key = ledgerKey(PREFIX, { seq: 3, kind: "rollback", versions: { server: "7" }, releaseId: null });
    expect(parseLedgerKey(PREFIX, key)?.releaseId).toBeNull();
  });

  it("ignore objects that are not ledger records", () => {
    const index = indexFromKeys(PREFIX, [`${PREFIX}notes.txt`, ledgerKey(PREFIX, { seq: 1, kind: "release", versions: { server: "1" }, releaseId: "a" })]);
    expect(index.ignoredKeys).toEqual([`${PREFIX}notes.txt`]);
  });
});

describe("release ledger index", () => {
  const key = (seq: number, kind: "release" | "rollback" | "canary-abort", version: string, releaseId: string | null) =>
    ledgerKey(PREFIX, { seq, kind, versions: { server: version }, releaseId });

  it("takes the next sequence number after the newest record", () => {
    expect(nextSequence(indexFromKeys(PREFIX, [key(1, "release", "1", "a"), key(2, "release", "2", "b")]))).toBe(3);
  });

  it("starts an empty ledger at sequence 1", () => {
    expect(nextSequence(indexFromKeys(PREFIX, []))).toBe(1);
  });

  it("reports sequence numbers two racing writers both took", () => {
    const index = indexFromKeys(PREFIX, [key(1, "release", "1", "a"), key(2, "release", "2", "b"), key(2, "rollback", "1", "a")]);
    expect(sharedSequences(index)).toEqual([2]);
  });

  it("treats an aborted canary as not changing what is live", () => {
    const index = indexFromKeys(PREFIX, [key(1, "release", "1", "a"), key(2, "canary-abort", "2", "b")]);
    expect(ledgerHead(index)?.releaseId).toBe("a");
  });

  it("is pinned while the newest live change is a rollback", () => {
    const index = indexFromKeys(PREFIX, [key(1, "release", "1", "a"), key(2, "release", "2", "b"), key(3, "rollback", "1", "a")]);
    expect(pinningRecord(index)?.seq).toBe(3);
  });

  it("is pinned by a rollback that raced a release to the same sequence number", () => {
    const index = indexFromKeys(PREFIX, [key(1, "release", "1", "a"), key(2, "release", "2", "b"), key(2, "rollback", "1", "a")]);
    expect(pinningRecord(index)?.kind).toBe("rollback");
  });

  it("takes the raced record whose version the alias serves as the head", () => {
    const index = indexFromKeys(PREFIX, [key(1, "release", "1", "a"), key(2, "rollback", "1", "a"), key(2, "release", "2", "b")]);
    expect(ledgerHead(index, "2")?.releaseId).toBe("b");
  });

  it("is unpinned by a later release", () => {
    const index = indexFromKeys(PREFIX, [key(1, "release", "1", "a"), key(2, "rollback", "1", "a"), key(3, "release", "3", "c")]);
    expect(pinningRecord(index)).toBeUndefined();
  });
});
