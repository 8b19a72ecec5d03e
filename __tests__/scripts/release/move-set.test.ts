/**
 * Moving a release set's aliases together and putting them back (moves.ts: moveSet,
 * restoreAlias), against an in-memory Lambda port whose answers each test scripts: the
 * sequencing of UpdateAlias and GetAlias calls, the RevisionId each carries, and what is
 * reported when a call is refused, throws or loses its answer. The same paths run against
 * moto in release-set, faults and unrecorded; these pin each decision without a network.
 */
import { moveSet, restoreAlias, type AliasMove } from "../../../scripts/release/moves";
import type { AliasState, GetAliasResult, LambdaPort, ReleaseFunction, RoutingWeights, UpdateAliasResult } from "../../../scripts/release/ports";

type UpdateRequest = Parameters<LambdaPort["updateAlias"]>[0];
/** What one UpdateAlias call does: answer normally, refuse, throw, or move and then throw (a lost answer). */
type UpdateScript = "ok" | { refuse: "conflict" | "missing" | "unguarded" } | { throw: string } | { moveThenThrow: string };
type GetScript = "ok" | { missing: string } | { throw: string };

/** Aliases in memory with a RevisionId that changes on every move, as Lambda's does. */
class ScriptedLambda implements LambdaPort {
  readonly calls: string[] = [];
  private readonly aliases = new Map<string, AliasState>();
  private readonly updates = new Map<string, UpdateScript[]>();
  private readonly gets = new Map<string, GetScript[]>();
  private revision = 0;

  constructor(initial: Record<string, { version: string; weights?: RoutingWeights }>) {
    for (const [name, { version, weights }] of Object.entries(initial)) this.aliases.set(name, this.state(version, weights ?? {}));
  }

  /** The next UpdateAlias calls on `functionName` do these, in order; later ones answer normally. */
  onUpdate(functionName: string, ...script: UpdateScript[]): this {
    this.updates.set(functionName, script);
    return this;
  }

  onGet(functionName: string, ...script: GetScript[]): this {
    this.gets.set(functionName, script);
    return this;
  }

  /** Someone else moves the alias (a new RevisionId). */
  moveBySomeoneElse(functionName: string, version: string): void {
    this.aliases.set(functionName, this.state(version, {}));
  }

  at(functionName: string): { version: string; weights: RoutingWeights } {
    const { version, weights } = this.aliases.get(functionName)!;
    return { version, weights };
  }

  revisionOf(functionName: string): string {
    return this.aliases.get(functionName)!.revisionId!;
  }

  async getAlias(functionName: string): Promise<GetAliasResult> {
    this.calls.push(`get ${functionName}`);
    const step = this.gets.get(functionName)?.shift() ?? "ok";
    if (step !== "ok" && "throw" in step) throw new Error(step.throw);
    if (step !== "ok") return { kind: "missing", message: step.missing };
    return { kind: "found", ...this.aliases.get(functionName)! };
  }

  async updateAlias(request: UpdateRequest): Promise<UpdateAliasResult> {
    const { functionName, version, weights, revisionId } = request;
    this.calls.push(`update ${functionName} → ${version}${Object.keys(weights).length ? ` ${JSON.stringify(weights)}` : ""} if ${revisionId ?? "none"}`);
    const step = this.updates.get(functionName)?.shift() ?? "ok";
    if (step !== "ok" && "refuse" in step) return { kind: step.refuse, message: `${step.refuse} on ${functionName}` };
    if (step !== "ok" && "throw" in step) throw new Error(step.throw);
    if (revisionId === undefined) return { kind: "unguarded", message: `no RevisionId for ${functionName}` };
    if (revisionId !== this.aliases.get(functionName)!.revisionId) return { kind: "conflict", message: `stale RevisionId for ${functionName}` };
    const moved = this.state(version, weights);
    this.aliases.set(functionName, moved);
    if (step !== "ok" && "moveThenThrow" in step) throw new Error(step.moveThenThrow);
    return { kind: "updated", ...moved };
  }

  async listVersions(): Promise<undefined> {
    throw new Error("not used by moves");
  }
  async versionExists(): Promise<boolean> {
    throw new Error("not used by moves");
  }
  async listAliases(): Promise<never[]> {
    throw new Error("not used by moves");
  }
  async deleteVersion(): Promise<never> {
    throw new Error("not used by moves");
  }

  private state(version: string, weights: RoutingWeights): AliasState {
    this.revision += 1;
    return { version, weights, revisionId: `rev-${this.revision}` };
  }
}

const fnOf = (id: string): ReleaseFunction => ({ id, functionName: `acme-web-dev-${id}`, alias: "live" });

/** Moves for each function from where `lambda` has it now to `version`. */
async function movesTo(lambda: ScriptedLambda, targets: Record<string, string>): Promise<AliasMove[]> {
  return Promise.all(
    Object.entries(targets).map(async ([id, version]) => {
      const fn = fnOf(id);
      const read = await lambda.getAlias(fn.functionName);
      if (read.kind !== "found") throw new Error("fixture alias missing");
      const { kind: _kind, ...from } = read;
      return { fn, from, to: { version, weights: {} } };
    }),
  );
}

function setUp(): ScriptedLambda {
  return new ScriptedLambda({ "acme-web-dev-server": { version: "3" }, "acme-web-dev-image": { version: "5" } });
}

describe("moving a release set", () => {
  it("moves every alias with the RevisionId it read and returns each new state", async () => {
    const lambda = setUp();
    const moves = await movesTo(lambda, { server: "4", image: "6" });
    const result = await moveSet(lambda, moves);
    expect({ result, server: lambda.at("acme-web-dev-server"), image: lambda.at("acme-web-dev-image") }).toEqual({
      result: {
        kind: "moved",
        states: {
          server: { kind: "updated", version: "4", weights: {}, revisionId: lambda.revisionOf("acme-web-dev-server") },
          image: { kind: "updated", version: "6", weights: {}, revisionId: lambda.revisionOf("acme-web-dev-image") },
        },
      },
      server: { version: "4", weights: {} },
      image: { version: "6", weights: {} },
    });
  });

  it("sends the target's routing weights with the move", async () => {
    const lambda = setUp();
    const [move] = await movesTo(lambda, { server: "3" });
    await moveSet(lambda, [{ ...move!, to: { version: "3", weights: { "4": 0.1 } } }]);
    expect(lambda.at("acme-web-dev-server")).toEqual({ version: "3", weights: { "4": 0.1 } });
  });

  it("when one alias refuses, puts back the one that moved, with the RevisionId its move returned", async () => {
    const lambda = setUp().onUpdate("acme-web-dev-image", { refuse: "conflict" });
    const moves = await movesTo(lambda, { server: "4", image: "6" });
    lambda.calls.length = 0;
    const result = await moveSet(lambda, moves);
    expect({ result, server: lambda.at("acme-web-dev-server"), calls: lambda.calls }).toEqual({
      result: { kind: "refused", fn: fnOf("image"), refusal: { kind: "conflict", message: "conflict on acme-web-dev-image" }, putBack: ["server"] },
      server: { version: "3", weights: {} },
      calls: [
        `update acme-web-dev-server → 4 if ${moves[0]!.from.revisionId}`,
        `update acme-web-dev-image → 6 if ${moves[1]!.from.revisionId}`,
        expect.stringMatching(/^update acme-web-dev-server → 3 if rev-\d+$/),
      ],
    });
  });

  it("reports the first refusal in the set's order when several refuse, putting nothing back", async () => {
    const lambda = setUp().onUpdate("acme-web-dev-server", { refuse: "missing" }).onUpdate("acme-web-dev-image", { refuse: "conflict" });
    const result = await moveSet(lambda, await movesTo(lambda, { server: "4", image: "6" }));
    expect(result).toEqual({ kind: "refused", fn: fnOf("server"), refusal: { kind: "missing", message: "missing on acme-web-dev-server" }, putBack: [] });
  });

  it("when a move throws, returns that error after putting back the alias that moved", async () => {
    const lambda = setUp().onUpdate("acme-web-dev-image", { throw: "throttled" });
    const result = await moveSet(lambda, await movesTo(lambda, { server: "4", image: "6" }));
    expect({ kind: result.kind, error: result.kind === "failed" ? (result.error as Error).message : undefined, putBack: result.kind === "failed" ? result.putBack : undefined, server: lambda.at("acme-web-dev-server") }).toEqual({
      kind: "failed",
      error: "throttled",
      putBack: ["server"],
      server: { version: "3", weights: {} },
    });
  });

  it("puts back an alias whose move answer was lost, reading its RevisionId first", async () => {
    const lambda = setUp().onUpdate("acme-web-dev-image", { moveThenThrow: "socket hang up" });
    const moves = await movesTo(lambda, { server: "4", image: "6" });
    lambda.calls.length = 0;
    const result = await moveSet(lambda, moves);
    expect({
      putBack: result.kind === "failed" ? result.putBack : result.kind,
      image: lambda.at("acme-web-dev-image"),
      imageCalls: lambda.calls.filter((c) => c.includes("image")),
    }).toEqual({
      putBack: ["server", "image"],
      image: { version: "5", weights: {} },
      imageCalls: [`update acme-web-dev-image → 6 if ${moves[1]!.from.revisionId}`, "get acme-web-dev-image", expect.stringMatching(/^update acme-web-dev-image → 5 if rev-\d+$/)],
    });
  });

  it("does not put back an alias whose lost move never happened: it is untouched, not restored", async () => {
    const lambda = setUp().onUpdate("acme-web-dev-image", { throw: "socket hang up" });
    const result = await moveSet(lambda, await movesTo(lambda, { server: "4", image: "6" }));
    expect(result.kind === "failed" ? result.putBack : result.kind).toEqual(["server"]);
  });

  it("reports a split set when an alias cannot be put back: which alias is where, and the command that fixes it", async () => {
    const lambda = setUp()
      .onUpdate("acme-web-dev-image", { refuse: "conflict" })
      .onUpdate("acme-web-dev-server", "ok", { throw: "access denied" }, { throw: "access denied" });
    const moves = await movesTo(lambda, { server: "4", image: "6" });
    const result = await moveSet(lambda, moves, "eu-west-1");
    expect(result).toEqual({
      kind: "split",
      problem: "server: access denied",
      aliases: [
        {
          id: "server",
          functionName: "acme-web-dev-server",
          alias: "live",
          wanted: { version: "3", weights: {} },
          state: "moved",
          position: { version: "4", weights: {} },
          fixCommand: expect.stringContaining("--function-version 3"),
          problem: "access denied",
        },
        { id: "image", functionName: "acme-web-dev-image", alias: "live", wanted: { version: "5", weights: {} }, state: "refused", position: { version: "5", weights: {} } },
      ],
    });
  });

  it("in a split set, an alias that was put back is reported back, with no fix command", async () => {
    const lambda = new ScriptedLambda({ "acme-web-dev-server": { version: "3" }, "acme-web-dev-image": { version: "5" }, "acme-web-dev-revalidation": { version: "7" } })
      .onUpdate("acme-web-dev-revalidation", { refuse: "conflict" })
      .onUpdate("acme-web-dev-server", "ok", { throw: "access denied" }, { throw: "access denied" });
    const result = await moveSet(lambda, await movesTo(lambda, { server: "4", image: "6", revalidation: "8" }));
    expect(result.kind === "split" ? result.aliases.map((a) => [a.id, a.state, a.fixCommand === undefined]) : result.kind).toEqual([
      ["server", "moved", false],
      ["image", "back", true],
      ["revalidation", "refused", true],
    ]);
  });

  it("names the region in a split set's fix command", async () => {
    const lambda = setUp().onUpdate("acme-web-dev-image", { refuse: "conflict" }).onUpdate("acme-web-dev-server", "ok", { throw: "access denied" }, { throw: "access denied" });
    const result = await moveSet(lambda, await movesTo(lambda, { server: "4", image: "6" }), "eu-west-1");
    expect(result.kind === "split" ? result.aliases[0]!.fixCommand : result.kind).toMatch(/--region eu-west-1/);
  });
});

describe("putting an alias back", () => {
  const server = fnOf("server");
  const back = { version: "3", weights: {} };
  const ours = (now: { version: string }) => now.version === "4";

  it("uses the RevisionId of our own last change, with no read", async () => {
    const lambda = new ScriptedLambda({ "acme-web-dev-server": { version: "4" } });
    const result = await restoreAlias(lambda, server, back, { revisionId: lambda.revisionOf("acme-web-dev-server"), ours });
    expect({ result, calls: lambda.calls.map((c) => c.split(" ")[0]), at: lambda.at("acme-web-dev-server") }).toEqual({ result: { kind: "restored" }, calls: ["update"], at: back });
  });

  it("reads the alias and retries with its RevisionId when ours is stale, if the alias is still where we left it", async () => {
    const lambda = new ScriptedLambda({ "acme-web-dev-server": { version: "4" } });
    const result = await restoreAlias(lambda, server, back, { revisionId: "rev-stale", ours });
    expect({ result, calls: lambda.calls.map((c) => c.split(" ")[0]), at: lambda.at("acme-web-dev-server") }).toEqual({ result: { kind: "restored" }, calls: ["update", "get", "update"], at: back });
  });

  it("reads first when our RevisionId is unknown (the answer was lost)", async () => {
    const lambda = new ScriptedLambda({ "acme-web-dev-server": { version: "4" } });
    const result = await restoreAlias(lambda, server, back, { revisionId: undefined, ours });
    expect({ result, calls: lambda.calls.map((c) => c.split(" ")[0]) }).toEqual({ result: { kind: "restored" }, calls: ["get", "update"] });
  });

  it("makes no call to move an alias that is already back, and says it was untouched", async () => {
    const lambda = new ScriptedLambda({ "acme-web-dev-server": { version: "3" } });
    const result = await restoreAlias(lambda, server, back, { revisionId: undefined, ours });
    expect({ result, calls: lambda.calls }).toEqual({ result: { kind: "untouched" }, calls: ["get acme-web-dev-server"] });
  });

  it("says restored, not untouched, when our stale update found the alias already back", async () => {
    const lambda = new ScriptedLambda({ "acme-web-dev-server": { version: "3" } });
    expect(await restoreAlias(lambda, server, back, { revisionId: "rev-stale", ours })).toEqual({ kind: "restored" });
  });

  it("never overwrites a change someone else made meanwhile, and says where the alias is", async () => {
    const lambda = new ScriptedLambda({ "acme-web-dev-server": { version: "4" } });
    lambda.moveBySomeoneElse("acme-web-dev-server", "9");
    const result = await restoreAlias(lambda, server, back, { revisionId: "rev-stale", ours });
    expect({ result, at: lambda.at("acme-web-dev-server") }).toEqual({
      result: {
        kind: "failed",
        problem: "the alias was changed by someone else meanwhile (it serves version 9 with weights none); not overwritten",
        position: { version: "9", weights: {} },
      },
      at: { version: "9", weights: {} },
    });
  });

  it("reports both problems when the update is refused and the alias cannot be read", async () => {
    const lambda = new ScriptedLambda({ "acme-web-dev-server": { version: "4" } })
      .onUpdate("acme-web-dev-server", { refuse: "conflict" })
      .onGet("acme-web-dev-server", { missing: "alias live not found" });
    expect(await restoreAlias(lambda, server, back, { revisionId: "rev-x", ours })).toEqual({
      kind: "failed",
      problem: "conflict on acme-web-dev-server; cannot read the alias: alias live not found",
      position: undefined,
    });
  });

  it("reports only the read problem when there was no update to try", async () => {
    const lambda = new ScriptedLambda({ "acme-web-dev-server": { version: "4" } }).onGet("acme-web-dev-server", { missing: "alias live not found" });
    expect(await restoreAlias(lambda, server, back, { revisionId: undefined, ours })).toEqual({
      kind: "failed",
      problem: "cannot read the alias: alias live not found",
      position: undefined,
    });
  });

  it("reports the thrown update and the thrown read, in order", async () => {
    const lambda = new ScriptedLambda({ "acme-web-dev-server": { version: "4" } })
      .onUpdate("acme-web-dev-server", { throw: "timeout" })
      .onGet("acme-web-dev-server", { throw: "access denied" });
    expect(await restoreAlias(lambda, server, back, { revisionId: "rev-x", ours })).toEqual({
      kind: "failed",
      problem: "timeout; then access denied",
      position: undefined,
    });
  });

  it("reports a thrown read alone when there was no update to try", async () => {
    const lambda = new ScriptedLambda({ "acme-web-dev-server": { version: "4" } }).onGet("acme-web-dev-server", { throw: "access denied" });
    expect(await restoreAlias(lambda, server, back, { revisionId: undefined, ours })).toEqual({ kind: "failed", problem: "access denied", position: undefined });
  });

  it("reports a refused retry with where the alias still is", async () => {
    const lambda = new ScriptedLambda({ "acme-web-dev-server": { version: "4" } }).onUpdate("acme-web-dev-server", { refuse: "missing" });
    expect(await restoreAlias(lambda, server, back, { revisionId: undefined, ours })).toEqual({
      kind: "failed",
      problem: "missing on acme-web-dev-server",
      position: { version: "4", weights: {} },
    });
  });

  it("reports a thrown retry with where the alias still is", async () => {
    const lambda = new ScriptedLambda({ "acme-web-dev-server": { version: "4" } }).onUpdate("acme-web-dev-server", { throw: "throttled" });
    expect(await restoreAlias(lambda, server, back, { revisionId: undefined, ours })).toEqual({
      kind: "failed",
      problem: "throttled",
      position: { version: "4", weights: {} },
    });
  });
});
