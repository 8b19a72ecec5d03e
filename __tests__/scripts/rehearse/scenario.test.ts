/** The rehearsal's order of work, and the one step each planted fault swaps. */
import { scenario } from "../../../scripts/rehearse/scenario";

const names = (fault?: Parameters<typeof scenario>[0]) => scenario(fault).phases.map((p) => p.name);
const kinds = (fault?: Parameters<typeof scenario>[0]) => scenario(fault).phases.map((p) => p.action.kind);

describe("the rehearsal's scenario", () => {
  it("syncs build A before its first deploy, which makes it live, and before any client runs", () => {
    expect(scenario().setup.map((a) => a.kind)).toEqual(["sync", "sync-stale", "deploy"]);
  });

  it("follows the deploy workflow's order: release A; sync, deploy, canary B; roll back; release B again; prune", () => {
    expect(kinds()).toEqual(["release", "sync", "deploy", "release", "hold", "rollback", "release", "prune", "hold"]);
  });

  it("names phases with the words release, canary and rollback", () => {
    expect(["release", "canary", "rollback"].filter((word) => !names().some((name) => name.includes(word)))).toEqual([]);
  });

  it("asks the old tab for its chunk once B is fully live", () => {
    const phases = scenario().phases;
    const oldTab = phases.findIndex((p) => p.action.kind === "hold" && p.action.oldTab === true);
    expect(phases[oldTab - 1]?.name).toBe("canary B");
  });

  it("with release-before-assets, moves B's aliases before B's assets are synced", () => {
    expect(kinds("release-before-assets").slice(1)).toEqual(["deploy", "move-aliases", "sync", "hold"]);
  });

  it("with prune-live-assets, swaps only the prune for one that deletes A's and B's assets", () => {
    const clean = scenario().phases;
    const faulty = scenario("prune-live-assets").phases;
    expect(faulty.filter((p, i) => JSON.stringify(p.action) !== JSON.stringify(clean[i]?.action)).map((p) => p.action)).toEqual([
      { kind: "delete-assets", builds: ["A", "B"] },
    ]);
  });
});
