/**
 * What each release, rollback and prune plan says and carries, beyond its kind: the messages
 * an operator acts on, the notes, and the helpers that name targets and weights.
 */
import type { RecordKind } from "../../../scripts/release/ledger";
import {
  aliasSetOf,
  canaryWeights,
  describeAliases,
  describeTarget,
  formatWeights,
  hasWeights,
  planPrune,
  planRelease,
  planRollback,
  releasesToKeep,
  unrecordedMove,
  unwatchedFunctions,
  type PruneFunction,
  type PruneInput,
} from "../../../scripts/release/plan";
import type { AliasInfo } from "../../../scripts/release/ports";
import { alias, ledger, LIVE as live, manifest, NOW as now, OLD as old, served, serverFunction } from "./plan-support";

describe("planRelease says", () => {
  it("which rollback pins the environment and how to lift it", () => {
    const index = ledger(["release", "1", "a"], ["release", "2", "b"], ["rollback", "1", "a"]);
    const plan = planRelease({ index, aliases: served("1"), versions: { server: "3" }, releaseId: "c", unpin: false });
    expect(plan.kind === "pinned" && plan.message).toBe(
      "the environment is pinned to release a (version 1) by a rollback (ledger record 3); releases stay blocked until you pass --unpin (after fixing what the rollback was for)",
    );
  });

  it("that a release already live is a no-op", () => {
    const plan = planRelease({ index: ledger(["release", "2", "b"]), aliases: served("2"), versions: { server: "2" }, releaseId: "b", unpin: false });
    expect(plan).toEqual({ kind: "no-op", message: "release b (version 2) is already live; nothing to do" });
  });

  it("that it records without moving when the aliases already serve the versions", () => {
    const plan = planRelease({ index: ledger(), aliases: served("1"), versions: { server: "1" }, releaseId: "a", unpin: false });
    expect(plan).toEqual({ kind: "record-only", message: "the aliases already serve version 1; recording release a in the ledger without moving them" });
  });

  it("what the drift is and the two ways forward", () => {
    const plan = planRelease({ index: ledger(["release", "1", "a"], ["release", "2", "b"]), aliases: served("1"), versions: { server: "3" }, releaseId: "c", unpin: false });
    expect(plan.kind === "drift" && plan.message).toBe(
      "the aliases serve version 1 but the ledger's newest record (2) says release b (version 2): they were moved outside these tools, or a rollback's record was not written (and with it the pin). " +
        "Record what is live first (`npm run rollback -- --env <env> --to 1` records it without moving anything), or pass --unpin to release anyway",
    );
  });

  it("drift in a function other than the server", () => {
    const index = ledger(["release", { server: "1", image: "1" }, "a"]);
    const plan = planRelease({ index, aliases: { server: alias("1"), image: alias("2") }, versions: { server: "2", image: "3" }, releaseId: "b", unpin: false });
    expect(plan.kind).toBe("drift");
  });

  it("nothing more when moving forward from a ledger that matches", () => {
    const plan = planRelease({ index: ledger(["release", "1", "a"]), aliases: served("1"), versions: { server: "2" }, releaseId: "b", unpin: false });
    expect(plan).toEqual({ kind: "move", moving: ["server"], notes: [] });
  });

  it("that a version older than the live one is better reached by rollback", () => {
    const plan = planRelease({ index: ledger(["release", "1", "a"], ["release", "3", "b"]), aliases: served("3"), versions: { server: "2" }, releaseId: "c", unpin: false });
    expect(plan.kind === "move" && plan.notes).toEqual(["version 2 is older than the live version 3; prefer `rollback --to` to go back"]);
  });

  it("which weights an unfinished canary left", () => {
    const plan = planRelease({ index: ledger(["release", "1", "a"]), aliases: served("1", { "2": 0.1 }), versions: { server: "2" }, releaseId: "b", unpin: false });
    expect(plan.kind === "move" && plan.notes).toEqual(["the server alias had routing weights {2: 10%} (an unfinished canary?); this release replaces them"]);
  });

  it("moves only the functions whose version changes", () => {
    const index = ledger(["release", { server: "1", image: "4" }, "a"]);
    const plan = planRelease({ index, aliases: { server: alias("1"), image: alias("4") }, versions: { server: "2", image: "4" }, releaseId: "b", unpin: false });
    expect(plan.kind === "move" && plan.moving).toEqual(["server"]);
  });

  it("moves a function at its version whose alias still carries canary weights", () => {
    const index = ledger(["release", { server: "1", image: "4" }, "a"]);
    const aliases = { server: alias("1"), image: alias("4", { "5": 0.2 }) };
    const plan = planRelease({ index, aliases, versions: { server: "2", image: "4" }, releaseId: "b", unpin: false });
    expect(plan.kind === "move" && plan.moving).toEqual(["server", "image"]);
  });
});

describe("canaryWeights", () => {
  it("accepts 99 %", () => {
    expect(canaryWeights(99, 1)).toEqual([0.99]);
  });

  it("accepts a fraction of a percent", () => {
    expect(canaryWeights(0.5, 1)).toEqual([0.005]);
  });

  it("says which percentage it rejected", () => {
    expect(() => canaryWeights(0, 3)).toThrow("canary percent must be between 0 and 100, got 0");
  });

  it("says which number of steps it rejected", () => {
    expect(() => canaryWeights(10, 1.5)).toThrow("canary steps must be a whole number >= 1, got 1.5");
  });
});

describe("planRollback says", () => {
  const history = ledger(["release", "1", "a"], ["release", "2", "b"], ["release", "3", "c"]);

  it("that a target already live is a no-op", () => {
    expect(planRollback({ index: history, aliases: served("3"), to: "c" })).toMatchObject({ kind: "no-op", message: "release c (version 3) is already live; nothing to do" });
  });

  it("what it records when the aliases are already on the target", () => {
    expect(planRollback({ index: history, aliases: served("2"), to: "b" })).toMatchObject({
      kind: "record-only",
      message: "the aliases already serve release b (version 2) but the ledger's newest record is release c (version 3); recording the rollback without moving them",
    });
  });

  it("records a bare version the aliases already serve when the ledger names another release for it", () => {
    expect(planRollback({ index: ledger(["release", "2", "b"]), aliases: served("2"), to: "server=2" }).kind).toBe("no-op");
  });

  it("records a rollback to the live versions under a different release id", () => {
    const index = ledger(["release", "2", "b"], ["release", "2", "b2"]);
    expect(planRollback({ index, aliases: served("2"), to: "b" }).kind).toBe("record-only");
  });

  it("why a --to that is neither a release id nor versions is refused", () => {
    expect(planRollback({ index: history, aliases: served("3"), to: "server=x" })).toEqual({
      kind: "refuse",
      reason: "bad-target",
      message: '--to "server=x": "server=x" is not <function id>=<version> (e.g. server=12,image=7)',
    });
  });

  it("that an unknown id cannot be found in an empty ledger", () => {
    expect(planRollback({ index: ledger(), aliases: served("3"), to: "nope" })).toMatchObject({
      message: 'unknown release id "nope": the ledger has no release with that id; the ledger has no releases yet',
    });
  });

  it("at most ten recent release ids", () => {
    const many = ledger(...Array.from({ length: 12 }, (_, i): [RecordKind, string, string] => ["release", String(i + 1), `r${i + 1}`]));
    const plan = planRollback({ index: many, aliases: served("12"), to: "nope" });
    expect(plan.kind === "refuse" && plan.message).toBe(
      'unknown release id "nope": the ledger has no release with that id; recent releases: r12, r11, r10, r9, r8, r7, r6, r5, r4, r3 (see `npm run releases`)',
    );
  });

  it("how to roll back from an empty ledger", () => {
    expect(planRollback({ index: ledger(), aliases: served("1") })).toMatchObject({
      message: "the ledger has no releases to roll back to; pass --to <version> to point the alias at a version",
    });
  });

  it("what the drift is when the default target cannot be trusted", () => {
    expect(planRollback({ index: history, aliases: served("1") })).toMatchObject({
      message:
        "the aliases serve version 1 but the ledger's newest record (3) says release c (version 3): they were moved outside these tools, or a rollback's record was not written (and with it the pin); pass --to <release-id|version> to choose the target",
    });
  });

  it("which release has nothing before it", () => {
    expect(planRollback({ index: ledger(["release", "1", "a"]), aliases: served("1") })).toMatchObject({
      message: "no release before release a (version 1) in the ledger; nothing to roll back to",
    });
  });

  it("that a function the target predates stays where it is", () => {
    const index = ledger(["release", "1", "a"], ["release", { server: "2", image: "1" }, "b"]);
    const plan = planRollback({ index, aliases: { server: alias("2"), image: alias("1") } });
    expect(plan).toMatchObject({
      kind: "move",
      target: { versions: { server: "1", image: "1" }, releaseId: "a" },
      moving: ["server"],
      notes: ["release a (version 1) names no image function (it predates it): the image alias stays on version 1"],
    });
  });

  it("that a function the environment no longer has is left alone", () => {
    const index = ledger(["release", { server: "1", image: "1" }, "a"], ["release", "2", "b"]);
    const plan = planRollback({ index, aliases: served("2") });
    expect(plan.kind === "move" && plan.notes).toEqual([
      "release a (server 1, image 1) also ran a image function, which this environment's release no longer has: left alone",
    ]);
  });

  it("no notes for a rollback every function of the target names", () => {
    const plan = planRollback({ index: history, aliases: served("3") });
    expect(plan).toEqual({ kind: "move", target: { version: "2", versions: { server: "2" }, releaseId: "b" }, moving: ["server"], clearsCanary: false, notes: [] });
  });

  it("a bare version without a release as versions with no id", () => {
    expect(planRollback({ index: history, aliases: served("3"), to: "7" })).toMatchObject({ target: { version: "7", versions: { server: "7" }, releaseId: null } });
  });

  it("the whole set of the release a bare server version ran", () => {
    const index = ledger(["release", { server: "1", image: "1" }, "a"], ["release", { server: "2", image: "2" }, "b"]);
    expect(planRollback({ index, aliases: { server: alias("2"), image: alias("2") }, to: "1" })).toMatchObject({ target: { versions: { server: "1", image: "1" }, releaseId: "a" } });
  });

  it("moves only the functions --to names by function, naming the release that ran those versions", () => {
    const index = ledger(["release", { server: "1", image: "1" }, "a"], ["release", { server: "2", image: "2" }, "b"]);
    expect(planRollback({ index, aliases: { server: alias("2"), image: alias("2") }, to: "server=1" })).toMatchObject({ target: { versions: { server: "1", image: "2" }, releaseId: "a" } });
  });

  it("no server version for versions that name only another function, keeping the server's", () => {
    const index = ledger(["release", { server: "2", image: "2" }, "b"]);
    expect(planRollback({ index, aliases: { server: alias("2"), image: alias("2") }, to: "image=1" })).toMatchObject({ target: { version: "2", versions: { server: "2", image: "1" } } });
  });

  it("steps back from a live set the ledger recorded without a release id", () => {
    const index = ledger(["release", "1", "a"], ["release", "2", "b"], ["rollback", "5", null]);
    expect(planRollback({ index, aliases: served("5") })).toMatchObject({ kind: "refuse", reason: "nothing-earlier" });
  });
});

describe("planPrune", () => {
  const server = serverFunction(["1", "2", "3"]);
  const base: PruneInput = {
    index: ledger(["release", "1", "a"], ["release", "2", "b"], ["release", "3", "c"]),
    functions: [server],
    assets: [],
    manifests: new Map([
      ["c", manifest("c", [])],
      ["b", manifest("b", [])],
    ]),
    recentManifests: [],
    keep: 2,
    minAgeDays: 7,
    now,
  };

  it("refuses, naming the function, when it has no live alias", () => {
    expect(planPrune({ ...base, functions: [{ ...server, aliases: [{ ...live, name: "preview" }] }] })).toEqual({
      kind: "refuse",
      message: "function web-ssr (server) has no alias live; refusing to prune without knowing what is live",
    });
  });

  it("says which live version matches no release", () => {
    expect(planPrune({ ...base, functions: [{ ...server, aliases: [{ ...live, version: "4" }] }] })).toEqual({
      kind: "refuse",
      message:
        "version 4 of web-ssr (served by alias live) matches no release in the ledger, so its assets are unknown; refusing to prune. Release it through `npm run release` first",
    });
  });

  it("judges the live release by the live alias only, not by another alias on an unreleased version", () => {
    const aliases = [live, { name: "preview", version: "4", weights: {} }];
    const functions = [{ ...server, aliases, versions: [...server.versions, { version: "4", lastModified: old }] }];
    expect(planPrune({ ...base, functions }).kind).toBe("plan");
  });

  it("says which kept release's manifest is missing", () => {
    expect(planPrune({ ...base, manifests: new Map([["c", manifest("c", [])]]) })).toEqual({
      kind: "refuse",
      message: "the asset manifest of kept release b is missing or invalid, so the assets it needs are unknown; refusing to prune",
    });
  });

  it("lists the versions it keeps, in numeric order", () => {
    const index = ledger(["release", "9", "a"], ["release", "10", "b"], ["release", "3", "c"]);
    const functions = [{ ...server, versions: ["3", "9", "10"].map((version) => ({ version, lastModified: old })) }];
    const plan = planPrune({ ...base, index, functions });
    expect(plan.kind === "plan" && plan.keptVersions).toEqual({ server: ["3", "10"] });
  });

  it("names each version it deletes with its function", () => {
    const plan = planPrune(base);
    expect(plan.kind === "plan" && plan.deleteVersions).toEqual([{ version: "1", lastModified: old, functionId: "server", functionName: "web-ssr" }]);
  });

  it("keeps a version younger than the age limit", () => {
    const functions = [{ ...server, versions: [{ version: "1", lastModified: new Date("2025-06-29T00:00:00Z") }, ...server.versions.slice(1)] }];
    const plan = planPrune({ ...base, functions });
    expect(plan.kind === "plan" && plan.deleteVersions).toEqual([]);
  });

  it("deletes an asset exactly as old as the age limit", () => {
    const assets = [{ key: "assets/old.js", lastModified: new Date("2025-06-23T00:00:00Z"), size: 1 }];
    const plan = planPrune({ ...base, assets });
    expect(plan.kind === "plan" && plan.deleteAssets.map((a) => a.key)).toEqual(["assets/old.js"]);
  });

  it("keeps an asset whose age is unknown", () => {
    const plan = planPrune({ ...base, assets: [{ key: "assets/x.js", lastModified: undefined, size: 1 }] });
    expect(plan.kind === "plan" && plan.deleteAssets).toEqual([]);
  });

  it("never deletes $LATEST", () => {
    const functions = [{ ...server, versions: [{ version: "$LATEST", lastModified: old }, ...server.versions] }];
    const plan = planPrune({ ...base, functions });
    expect(plan.kind === "plan" && plan.deleteVersions.map((v) => v.version)).toEqual(["1"]);
  });

  it("keeps the versions of every function a kept release names", () => {
    const index = ledger(["release", { server: "1", image: "1" }, "a"], ["release", { server: "2", image: "2" }, "b"], ["release", { server: "3", image: "3" }, "c"]);
    const image: PruneFunction = { ...server, id: "image", functionName: "web-image" };
    const plan = planPrune({ ...base, index, functions: [server, image] });
    expect(plan.kind === "plan" && plan.keptVersions).toEqual({ server: ["2", "3"], image: ["2", "3"] });
  });

  it("deletes a version no kept release names, below the newest released", () => {
    const index = ledger(["release", "1", "a"], ["release", "2", "b"], ["release", "3", "c"]);
    const plan = planPrune({ ...base, index, keep: 1, manifests: new Map([["c", manifest("c", [])]]) });
    expect(plan.kind === "plan" && plan.deleteVersions.map((v) => v.version)).toEqual(["1", "2"]);
  });

  it("keeps the assets of a version a canary routes traffic to", () => {
    const aliases = [{ ...live, weights: { "1": 0.1 } }];
    const manifests = new Map([...base.manifests, ["a", manifest("a", ["assets/a.js"])]]);
    const assets = [{ key: "assets/a.js", lastModified: old, size: 1 }];
    const plan = planPrune({ ...base, functions: [{ ...server, aliases }], manifests, assets });
    expect(plan.kind === "plan" && plan.deleteAssets).toEqual([]);
  });

  it("does not keep a version a canary routes no traffic to", () => {
    const aliases = [{ ...live, weights: { "1": 0 } }];
    const plan = planPrune({ ...base, functions: [{ ...server, aliases }] });
    expect(plan.kind === "plan" && plan.deleteVersions.map((v) => v.version)).toEqual(["1"]);
  });
});

describe("releasesToKeep", () => {
  const fn = (version: string): { id: string; aliases: AliasInfo[] } => ({ id: "server", aliases: [{ name: "live", version, weights: {} }] });

  it("adds the release a rollback made live, by the rollback's id", () => {
    const index = ledger(["release", "1", "a"], ["release", "2", "b"], ["release", "3", "c"], ["rollback", "1", "a"]);
    expect(releasesToKeep(index, [fn("1")], 1)).toEqual(["c", "a"]);
  });

  it("names a live version by the newest record that made it live", () => {
    const index = ledger(["release", "1", "a"], ["release", "1", "a2"], ["release", "2", "b"]);
    expect(releasesToKeep(index, [fn("1")], 1)).toEqual(["b", "a2"]);
  });

  it("adds nothing for a live version the ledger never recorded", () => {
    expect(releasesToKeep(ledger(["release", "1", "a"]), [fn("9")], 1)).toEqual(["a"]);
  });

  it("does not list a kept release twice", () => {
    expect(releasesToKeep(ledger(["release", "1", "a"], ["release", "2", "b"]), [fn("2")], 2)).toEqual(["b", "a"]);
  });

  it("ignores a record without a release id", () => {
    const index = ledger(["release", "1", "a"], ["release", "2", "b"], ["rollback", "1", null]);
    expect(releasesToKeep(index, [fn("1")], 1)).toEqual(["b", "a"]);
  });
});

describe("aliasSetOf", () => {
  const fns = [
    { id: "server", functionName: "web-ssr", alias: "live" },
    { id: "image", functionName: "web-image", alias: "live" },
  ];

  it("maps each read alias to its function id", () => {
    const aliases = aliasSetOf(fns, [{ kind: "found", ...alias("1") }, { kind: "found", ...alias("2") }] as never);
    expect(aliases.ok && Object.fromEntries(Object.entries(aliases.aliases).map(([id, a]) => [id, a.version]))).toEqual({ server: "1", image: "2" });
  });

  it("says which alias is missing", () => {
    expect(aliasSetOf(fns, [{ kind: "found", ...alias("1") }, { kind: "missing", message: "not found" }] as never)).toEqual({
      ok: false,
      message: "cannot read alias live of function web-image: not found",
    });
  });
});

describe("naming", () => {
  it("a target without a release id by its versions", () => {
    expect(describeTarget({ releaseId: null, versions: { server: "4" } })).toBe("version 4");
  });

  it("a target with a release id by both", () => {
    expect(describeTarget({ releaseId: "abc", versions: { server: "4" } })).toBe("release abc (version 4)");
  });

  it("one function's alias", () => {
    expect(describeAliases([{ id: "server", functionName: "web-ssr", alias: "live" }])).toBe("alias live of web-ssr");
  });

  it("several functions' aliases", () => {
    expect(
      describeAliases([
        { id: "server", functionName: "web-ssr", alias: "live" },
        { id: "image", functionName: "web-image", alias: "live" },
      ]),
    ).toBe("the aliases of server (web-ssr:live), image (web-image:live)");
  });

  it("routing weights as percentages", () => {
    expect(formatWeights({ "5": 0.125, "6": 0.5 })).toBe("{5: 12.5%, 6: 50%}");
  });

  it("no routing weights as none", () => {
    expect(formatWeights({})).toBe("none");
  });

  it("a zero weight as no weight", () => {
    expect(hasWeights({ "5": 0 })).toBe(false);
  });
});

describe("unrecordedMove", () => {
  const fns = [{ id: "server", functionName: "web-ssr", alias: "live" }];
  const before = { version: "2", versions: { server: "2" }, releaseId: "b" };
  const after = { version: "1", versions: { server: "1" }, releaseId: "a" };

  it("says loudly that a rollback moved but left the environment unpinned", () => {
    expect(unrecordedMove(fns, "rollback", before, after, new Error("AccessDenied"))).toEqual({
      outcome: "moved-unrecorded",
      kind: "rollback",
      before,
      after,
      error: "AccessDenied",
      message:
        "alias live of web-ssr DID move: release b (version 2) → release a (version 1), but the ledger record of this rollback was not written (AccessDenied); until it is, the environment is NOT pinned and the next release would move it forward",
    });
  });

  it("says a release moved without its record, with no word of a pin", () => {
    expect(unrecordedMove(fns, "release", after, before, new Error("SlowDown")).message).toBe(
      "alias live of web-ssr DID move: release a (version 1) → release b (version 2), but the ledger record of this release was not written (SlowDown)",
    );
  });
});

describe("unwatchedFunctions", () => {
  const fns = [
    { id: "server", functionName: "web-ssr", alias: "live" },
    { id: "image", functionName: "web-image", alias: "live" },
  ];

  it("are the functions no alarm's metric names", () => {
    expect(unwatchedFunctions(fns, [{ functionNames: ["web-ssr"] }]).map((fn) => fn.id)).toEqual(["image"]);
  });
});
