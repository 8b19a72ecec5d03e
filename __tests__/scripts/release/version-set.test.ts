import { UserError } from "../../../lib/errors";
import { aliasCommand, failedMove, refusedMove, samePosition, setSplit, splitLines, type AliasReport } from "../../../scripts/release/moves";
import { agrees, describeSet, formatSet, functionListProblems, isSetText, parseSet, sameSet, setIds } from "../../../scripts/release/version-set";

describe("release sets as text", () => {
  it("read a bare number as the server's version", () => {
    expect(parseSet("012")).toEqual({ ok: true, set: { server: "12" } });
  });

  it("read versions by function", () => {
    expect(parseSet("server=12,image-optimizer=7")).toEqual({ ok: true, set: { server: "12", "image-optimizer": "7" } });
  });

  it("refuse a function the release does not have, naming the ones it has", () => {
    expect(parseSet("imgae=7", ["server", "image"])).toEqual({ ok: false, problem: 'no function "imgae" in this release; its functions: server, image' });
  });

  it("refuse a part that is not id=version", () => {
    expect(parseSet("server=12,image")).toMatchObject({ ok: false, problem: expect.stringContaining('"image" is not <function id>=<version>') });
  });

  it("refuse a function named twice", () => {
    expect(parseSet("server=1,server=2")).toEqual({ ok: false, problem: "function server is named twice" });
  });

  it("refuse an id=version part with text around it", () => {
    expect(parseSet("server=12x")).toMatchObject({ ok: false });
  });

  it("refuse a part whose id is not a function id", () => {
    expect(parseSet("x server=12")).toMatchObject({ ok: false });
  });

  it("drop leading zeros of versions by function", () => {
    expect(parseSet("server=012")).toEqual({ ok: true, set: { server: "12" } });
  });

  it("tell a release id from a set: a number or anything with =", () => {
    expect(["12", "server=12", "12abc", "abc"].map(isSetText)).toEqual([true, true, false, false]);
  });

  it("write the server alone as its bare version, as older ledgers did", () => {
    expect(formatSet({ server: "12" })).toBe("12");
  });

  it("write several functions by id, the server first", () => {
    expect(formatSet({ revalidation: "3", image: "7", server: "12" })).toBe("server=12,image=7,revalidation=3");
  });
});

describe("describing a set", () => {
  it("names the server alone by its version", () => {
    expect(describeSet({ server: "12" })).toBe("version 12");
  });

  it("names several functions by id, the server first", () => {
    expect(describeSet({ image: "7", server: "12" })).toBe("server 12, image 7");
  });

  it("names a set without the server by id", () => {
    expect(describeSet({ image: "7" })).toBe("image 7");
  });

  it("orders the other functions by name", () => {
    expect(setIds({ revalidation: "1", server: "1", image: "1", "a-first": "1" })).toEqual(["server", "a-first", "image", "revalidation"]);
  });
});

describe("comparing sets", () => {
  it("agree when every function both name has the same version", () => {
    expect(agrees({ server: "1", image: "2" }, { server: "1" })).toBe(true);
  });

  it("disagree when one function both name differs", () => {
    expect(agrees({ server: "1", image: "2" }, { server: "1", image: "3" })).toBe(false);
  });

  it("are the same only with the same functions", () => {
    expect(sameSet({ server: "1" }, { server: "1", image: "2" })).toBe(false);
  });

  it("are not the same when one version differs", () => {
    expect(sameSet({ server: "1", image: "2" }, { server: "1", image: "3" })).toBe(false);
  });

  it("are the same with the same versions in any order", () => {
    expect(sameSet({ image: "2", server: "1" }, { server: "1", image: "2" })).toBe(true);
  });
});

describe("a release target's functions", () => {
  const fn = (id: string) => ({ id, functionName: `web-${id}`, alias: "live" });

  it("must start with the server", () => {
    expect(functionListProblems([fn("image"), fn("server")])).toEqual(['the first function must be the server (id "server"), got id "image"']);
  });

  it("must have ids the ledger keys can carry", () => {
    expect(functionListProblems([fn("server"), fn("Image_1")])).toEqual([expect.stringContaining('function id "Image_1"')]);
  });

  it("must not be empty", () => {
    expect(functionListProblems([])).toEqual(["the release has no functions"]);
  });

  it("must not name a function twice", () => {
    expect(functionListProblems([fn("server"), fn("image"), fn("image")])).toEqual(['function id "image" appears twice']);
  });

  it("may have ids with inner dashes and digits", () => {
    expect(functionListProblems([fn("server"), fn("image-optimizer-2"), fn("a")])).toEqual([]);
  });

  it("must not have an id ending in a dash", () => {
    expect(functionListProblems([fn("server"), fn("image-")])).toHaveLength(1);
  });

  it("must not have an id of more than 32 characters", () => {
    expect(functionListProblems([fn("server"), fn(`a${"b".repeat(32)}`)])).toHaveLength(1);
  });
});

describe("aliasCommand", () => {
  it("writes no weights for an alias without routing", () => {
    expect(aliasCommand(fn(), { version: "4", weights: { "5": 0 } })).toBe(
      "aws lambda update-alias --function-name web-ssr --name live --function-version 4 --routing-config 'AdditionalVersionWeights={}'",
    );
  });

  it("separates several weights with commas", () => {
    expect(aliasCommand(fn(), { version: "4", weights: { "5": 0.1, "6": 0.2 } })).toContain(`AdditionalVersionWeights={"5"=0.1,"6"=0.2}`);
  });

  it("writes routing weights in the AWS CLI's shorthand", () => {
    expect(aliasCommand(fn(), { version: "4", weights: { "5": 0.1 } }, "eu-west-1")).toBe(
      `aws lambda update-alias --region eu-west-1 --function-name web-ssr --name live --function-version 4 --routing-config 'AdditionalVersionWeights={"5"=0.1}'`,
    );
  });

  function fn() {
    return { id: "server", functionName: "web-ssr", alias: "live" };
  }
});

describe("alias positions", () => {
  it("are the same with the same version and weights", () => {
    expect(samePosition({ version: "4", weights: { "5": 0.1 } }, { version: "4", weights: { "5": 0.1 } })).toBe(true);
  });

  it("differ by version", () => {
    expect(samePosition({ version: "4", weights: {} }, { version: "5", weights: {} })).toBe(false);
  });

  it("differ by a weight's share", () => {
    expect(samePosition({ version: "4", weights: { "5": 0.1 } }, { version: "4", weights: { "5": 0.2 } })).toBe(false);
  });

  it("differ when only one routes traffic", () => {
    expect(samePosition({ version: "4", weights: {} }, { version: "4", weights: { "5": 0.1 } })).toBe(false);
  });

  it("treat a zero weight as none", () => {
    expect(samePosition({ version: "4", weights: { "5": 0 } }, { version: "4", weights: {} })).toBe(true);
  });
});

describe("move outcomes", () => {
  const server = { id: "server", functionName: "web-ssr", alias: "live" };
  const image = { id: "image", functionName: "web-image", alias: "live" };

  it("a refusal without a RevisionId says so", () => {
    expect(refusedMove(server, { kind: "unguarded", message: "no RevisionId" } as never)).toEqual({ outcome: "refused", reason: "no-revision-id", message: "no RevisionId" });
  });

  it("a conflict says someone else changed the alias and nothing was overwritten", () => {
    expect(refusedMove(server, { kind: "conflict", message: "PreconditionFailed" } as never)).toEqual({
      outcome: "refused",
      reason: "conflict",
      message:
        "alias live of web-ssr was changed by someone else since it was read (RevisionId no longer matches: PreconditionFailed); nothing was overwritten. Check `npm run releases` and run the command again",
    });
  });

  it("a conflict during a canary says when it happened", () => {
    expect(refusedMove(server, { kind: "conflict", message: "x" } as never, [], true).message).toContain("changed by someone else during the canary");
  });

  it("a missing version names the alias and which aliases were put back", () => {
    expect(refusedMove(image, { kind: "version-missing", message: "version 9 not found" } as never, ["server"])).toEqual({
      outcome: "refused",
      reason: "version-missing",
      message: "cannot move alias live of web-image: version 9 not found; the aliases that had moved (server) were put back",
    });
  });

  it("a failure with nothing put back is the error itself", () => {
    const error = new Error("throttled");
    expect(failedMove(error, [])).toBe(error);
  });

  it("a failure after putting aliases back says nothing changed", () => {
    const failed = failedMove(new Error("throttled"), ["server", "image"]);
    expect([failed instanceof UserError, (failed as Error).message]).toEqual([
      true,
      "throttled; the aliases that had moved (server, image) were put back: nothing changed",
    ]);
  });

  const reports: AliasReport[] = [
    { id: "server", functionName: "web-ssr", alias: "live", state: "back", position: { version: "1", weights: {} }, wanted: { version: "1", weights: {} } },
    {
      id: "image",
      functionName: "web-image",
      alias: "live",
      state: "moved",
      position: { version: "3", weights: { "2": 0.5 } },
      wanted: { version: "2", weights: { "4": 0.1 } },
      fixCommand: "aws lambda update-alias --function-name web-image --name live --function-version 2",
      problem: "throttled",
    },
    { id: "edge", functionName: "web-edge", alias: "live", state: "unknown", position: undefined, wanted: { version: "1", weights: {} }, fixCommand: "fix-edge", problem: "lost" },
  ];

  it("a split set is described alias by alias, with the fix of each one out of place", () => {
    expect(splitLines(reports)).toEqual([
      "  server: web-ssr:live is on version 1",
      "  image: web-image:live is on version 3 with weights {2: 50%} (should be version 2 with weights {4: 10%}: throttled). Fix: aws lambda update-alias --function-name web-image --name live --function-version 2",
      "  edge: web-edge:live is on UNKNOWN (should be version 1: lost). Fix: fix-edge",
    ]);
  });

  it("a split set's outcome lists the fix commands and says THE RELEASE SET IS SPLIT", () => {
    const before = { version: "1", versions: { server: "1", image: "2" }, releaseId: "a" };
    const attempted = { version: "2", versions: { server: "2", image: "3" }, releaseId: "b" };
    const target = { env: "dev", bucket: "b", functions: [server, image], alarmPrefix: "web-" };
    expect(setSplit(target, before, attempted, "image: throttled", reports.slice(0, 2))).toEqual({
      outcome: "set-split",
      before,
      attempted,
      error: "image: throttled",
      aliases: reports.slice(0, 2),
      fixCommands: ["aws lambda update-alias --function-name web-image --name live --function-version 2"],
      message:
        "moving the aliases of server (web-ssr:live), image (web-image:live) from release a (server 1, image 2) to release b (server 2, image 3) failed part-way and putting them back failed too " +
        "(image: throttled). THE RELEASE SET IS SPLIT: server web-ssr:live → version 1; image web-image:live → version 3 (out of place). Put them back (server 1, image 2) now with:\n  aws lambda update-alias --function-name web-image --name live --function-version 2",
    });
  });
});
