import { CallRecorder } from "../../../scripts/release/aws";
import { parseManifest } from "../../../scripts/release/store";

describe("parseManifest", () => {
  it("reads a manifest in the lib/asset-manifest.ts format", () => {
    const text = JSON.stringify({ formatVersion: 1, env: "dev", releaseId: "r1", createdAt: "2025-01-01T00:00:00Z", assets: [] });
    expect(parseManifest("k", text)).toMatchObject({ kind: "found", manifest: { releaseId: "r1" } });
  });

  it("reports a manifest that is not JSON as invalid", () => {
    expect(parseManifest("k", "{oops")).toMatchObject({ kind: "invalid", problem: expect.stringContaining("not JSON") });
  });

  it("reports a manifest of an unknown format version as invalid, naming the field", () => {
    expect(parseManifest("k", JSON.stringify({ formatVersion: 2 }))).toMatchObject({ kind: "invalid", problem: expect.stringMatching(/^formatVersion/) });
  });

  it("reports no object as missing", () => {
    expect(parseManifest("k", undefined)).toEqual({ kind: "missing", key: "k" });
  });
});

describe("CallRecorder", () => {
  const call = (operation: string, startedAt: number, ms: number) => ({ operation, startedAt, ms, attempts: 1, ok: true });

  it("adds up every call's duration", () => {
    const recorder = new CallRecorder();
    recorder.calls.push(call("GetAlias", 0, 30), call("ListObjectsV2", 10, 30));
    expect(recorder.summary().callMs).toBe(60);
  });

  it("counts time with parallel calls in flight once in the wall time", () => {
    const recorder = new CallRecorder();
    recorder.calls.push(call("GetAlias", 0, 30), call("ListObjectsV2", 10, 30), call("UpdateAlias", 50, 10));
    expect(recorder.summary().callWallMs).toBe(50);
  });
});
