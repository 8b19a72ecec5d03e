/** The description's helpers: path patterns as CloudFront reads them, the server function, routing. */
import { behaviourFor, DESCRIPTION_ID, immutableByRules, matchesPathPattern, serverFunction } from "../../../lib/app-build/description";
import { describeAppBuild } from "../../../lib/app-build/load";
import { tempDir, writeOpenNextBuild } from "../../support/app-builds";

describe("CloudFront path patterns", () => {
  it("match ? to exactly one character", () => {
    expect([matchesPathPattern("img?.png", "img1.png"), matchesPathPattern("img?.png", "img12.png")]).toEqual([true, false]);
  });

  it("match a dot only to a dot", () => {
    expect(matchesPathPattern("a.js", "aXjs")).toBe(false);
  });

  it("match * across slashes", () => {
    expect(matchesPathPattern("_next/static/*", "_next/static/chunks/a.js")).toBe(true);
  });

  it("match * across a newline too (any characters)", () => {
    expect(matchesPathPattern("a*b", "a\nb")).toBe(true);
  });

  it("match the whole path, not a part of it", () => {
    expect(matchesPathPattern("static/*", "x/static/a.js")).toBe(false);
  });
});

describe("cache rules", () => {
  it("say nothing about a path no rule matches", () => {
    expect(immutableByRules([{ pathPattern: "_next/static/*", immutable: true }], "favicon.ico")).toBeUndefined();
  });

  it("take the first rule that matches", () => {
    const rules = [
      { pathPattern: "assets/keep/*", immutable: false },
      { pathPattern: "assets/*", immutable: true },
    ];
    expect(immutableByRules(rules, "assets/keep/a.js")).toBe(false);
  });
});

describe("ids", () => {
  it("are lower-case words joined by hyphens, nothing around them", () => {
    expect(["image-optimizer", "x image", "image-", "Image"].map((id) => DESCRIPTION_ID.test(id))).toEqual([true, false, false, false]);
  });
});

describe("a description's server and routes", () => {
  const openNext = () => describeAppBuild(writeOpenNextBuild(tempDir()), "test");

  it("finds the server wherever the adapter lists it", () => {
    const description = openNext();
    const reordered = { ...description, functions: [...description.functions].reverse() };
    expect(serverFunction(reordered).id).toBe("server");
  });

  it("refuses a description without a server function", () => {
    const description = openNext();
    expect(() => serverFunction({ ...description, root: "/b", functions: description.functions.filter((fn) => fn.id !== "server") })).toThrow(
      'app build /b: no "server" function (adapter bug)',
    );
  });

  it("routes a path the same with or without its leading slash", () => {
    const description = openNext();
    const pattern = description.behaviours[0]!.pathPattern.replace("*", "x");
    expect(behaviourFor(description, pattern)).toEqual(behaviourFor(description, `/${pattern}`));
  });
});
