/** The app build's cache rules decide what is immutable before the name-based detection does. */
import { immutableByRules } from "../../../lib/app-build/description";
import { classifyByName, DEFAULT_CACHE_POLICIES, planAssets, type CachePolicies, type LocalFile } from "../../../scripts/sync-assets/plan";

const file = (relativePath: string): LocalFile => ({ relativePath, absolutePath: `/build/${relativePath}`, size: 1, sha256: "0".repeat(64) });
const withRules: CachePolicies = {
  ...DEFAULT_CACHE_POLICIES,
  immutable: (path) =>
    immutableByRules(
      [
        { pathPattern: "_next/static/*", immutable: true },
        { pathPattern: "*", immutable: false },
      ],
      path,
    ),
};
const cacheControlOf = (path: string, policies: CachePolicies) => planAssets([file(path)], "assets/", classifyByName(policies))[0]!.cacheControl;

describe("sync-assets with the app build's cache rules", () => {
  it("makes a path the rules call immutable immutable, even when its name shows no hash", () => {
    expect(cacheControlOf("_next/static/chunks/0c1ad7rcpjghx.js", withRules)).toBe(DEFAULT_CACHE_POLICIES.hashed);
  });

  it("keeps a path the rules call short-cached revalidating, even when its name looks hashed", () => {
    expect(cacheControlOf("BUILD_ID.12345678.txt", withRules)).toBe(DEFAULT_CACHE_POLICIES.unhashed);
  });

  it("decides by name where no rule is given", () => {
    expect(cacheControlOf("_next/static/chunks/0c1ad7rcpjghx.js", DEFAULT_CACHE_POLICIES)).toBe(DEFAULT_CACHE_POLICIES.unhashed);
  });
});
