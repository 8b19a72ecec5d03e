/** What the rehearsal concludes from its records: per-phase figures, the verdict, the JSON. */
import { formatFailures, formatTable, percentile, summarize, toJson, verdict, type RequestRecord } from "../../../scripts/rehearse/results";

const request = (phase: string, ms: number, ok = true, url = "/"): RequestRecord => ({ phase, client: "http", url, status: ok ? 200 : 404, ms, ok });

const summary = summarize({
  phases: ["release A", "canary B", "rollback to A"],
  records: [request("release A", 10), request("release A", 30), request("canary B", 20), request("canary B", 40, false, "/assets/b.js"), request("rollback to A", 5)],
  served: [
    { phase: "release A", version: "1" },
    { phase: "canary B", version: "2" },
    { phase: "canary B", version: "1" },
    { phase: "rollback to A", version: "1" },
  ],
  oldTabChunkLoaded: true,
});
const expected = { versions: { A: "1", B: "2" }, oldTab: true };

describe("percentile", () => {
  it("takes the nearest rank", () => {
    expect([percentile([4, 1, 3, 2], 50), percentile([4, 1, 3, 2], 99)]).toEqual([2, 4]);
  });

  it("has no value for no samples", () => {
    expect(percentile([], 50)).toBeUndefined();
  });
});

describe("summarize", () => {
  it("counts requests and failed ones per phase", () => {
    expect(summary.phases.map((p) => [p.name, p.requests, p.errors])).toEqual([
      ["release A", 2, 0],
      ["canary B", 2, 1],
      ["rollback to A", 1, 0],
    ]);
  });

  it("lists the versions served in each phase, in order", () => {
    expect(summary.phases[1]!.versions).toEqual(["1", "2"]);
  });

  it("keeps every failed request with its phase, URL and status", () => {
    expect(summary.failures).toEqual([request("canary B", 40, false, "/assets/b.js")]);
  });
});

describe("verdict", () => {
  const clean = summarize({
    phases: ["release A", "canary B"],
    records: [request("release A", 1), request("canary B", 1)],
    served: [
      { phase: "release A", version: "1" },
      { phase: "canary B", version: "2" },
    ],
    oldTabChunkLoaded: true,
  });

  it("passes when nothing failed, every phase saw requests, both builds were served and the old tab loaded its chunk", () => {
    expect(verdict(clean, expected)).toEqual({ ok: true, problems: [] });
  });

  it("fails on a failed request", () => {
    expect(verdict(summary, expected).problems).toContain("1 of 5 requests failed");
  });

  it("fails when a phase saw no requests", () => {
    const served = [
      { phase: "release A", version: "1" },
      { phase: "release A", version: "2" },
    ];
    const quiet = summarize({ phases: ["release A", "prune"], records: [request("release A", 1)], served, oldTabChunkLoaded: true });
    expect(verdict(quiet, expected).problems).toEqual(['phase "prune" saw no requests']);
  });

  it("fails when a build was never served", () => {
    expect(verdict({ ...clean, versionsServed: ["1"] }, expected).problems).toEqual(["build B (server version 2) was never served"]);
  });

  it("fails when the old tab did not load its chunk", () => {
    expect(verdict({ ...clean, oldTabChunkLoaded: false }, expected).problems).toEqual(["the old tab did not load its lazily loaded chunk"]);
  });
});

describe("toJson", () => {
  it("has exactly the keys the issue gives", () => {
    expect(toJson(summary)).toEqual({
      requests: 5,
      errors: 1,
      versionsServed: ["1", "2"],
      phases: [
        { name: "release A", requests: 2, errors: 0 },
        { name: "canary B", requests: 2, errors: 1 },
        { name: "rollback to A", requests: 1, errors: 0 },
      ],
      browser: { oldTabChunkLoaded: true },
    });
  });
});

describe("formatTable", () => {
  it("shows each phase's figures and the builds behind the versions", () => {
    expect(formatTable(summary, (v) => ({ "1": "A", "2": "B" })[v])).toBe(
      [
        "phase          requests  errors  p50 ms  p99 ms  versions served",
        "release A             2       0      10      30  1 (A)",
        "canary B              2       1      20      40  1 (A), 2 (B)",
        "rollback to A         1       0       5       5  1 (A)",
        "total                 5       1      20      40  1 (A), 2 (B)",
      ].join("\n"),
    );
  });
});

describe("formatFailures", () => {
  it("names the phase, client, URL and status of each, up to the limit", () => {
    const many = Array.from({ length: 3 }, () => request("prune", 1, false, "/assets/a.js"));
    expect(formatFailures(many, 2)).toEqual(["  prune: http /assets/a.js → 404", "  prune: http /assets/a.js → 404", "  … and 1 more"]);
  });
});
