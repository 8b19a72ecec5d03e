import { aliasCommand } from "../../../scripts/release/moves";
import { formatSet, functionListProblems, parseSet } from "../../../scripts/release/version-set";

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

  it("write the server alone as its bare version, as older ledgers did", () => {
    expect(formatSet({ server: "12" })).toBe("12");
  });

  it("write several functions by id, the server first", () => {
    expect(formatSet({ revalidation: "3", image: "7", server: "12" })).toBe("server=12,image=7,revalidation=3");
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
});

describe("aliasCommand", () => {
  it("writes routing weights in the AWS CLI's shorthand", () => {
    expect(aliasCommand(fn(), { version: "4", weights: { "5": 0.1 } }, "eu-west-1")).toBe(
      `aws lambda update-alias --region eu-west-1 --function-name web-ssr --name live --function-version 4 --routing-config 'AdditionalVersionWeights={"5"=0.1}'`,
    );
  });

  function fn() {
    return { id: "server", functionName: "web-ssr", alias: "live" };
  }
});
