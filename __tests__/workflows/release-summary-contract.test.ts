/**
 * release-summary.ts against the release tools' real `--json` output, run the way the
 * workflows run them (`npm run --silent <tool> -- … --json`), against moto: if the tools'
 * JSON shape changes, the pin pre-flight and the notices must not silently go wrong.
 */
import { spawnSync } from "node:child_process";
import { release } from "../../scripts/release/release";
import { checkPin, checkServing, parseResult, summariseRelease, summariseReleases, summariseRollback } from "../../.github/scripts/release-summary";
import { createFixture, person, type Fixture } from "../scripts/release/support";
import { ROOT } from "./support";

function npm(tool: "release" | "rollback" | "releases", args: readonly string[]): { status: number | null; stdout: string } {
  const result = spawnSync("npm", ["run", "--silent", tool, "--", ...args, "--json"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  });
  return { status: result.status, stdout: result.stdout };
}

describe("release-summary.ts with the release tools' real --json output", () => {
  let fx: Fixture;
  let names: string[];
  const list = () => parseResult(npm("releases", names).stdout);

  beforeAll(async () => {
    fx = await createFixture("summary", { versions: 3 });
    for (const [id, version] of [["one", "1"], ["two", "2"]]) {
      await fx.syncRelease(id);
      await release(fx.target, fx.ports(), { releaseId: id, version, gitSha: null, unpin: false, ...person });
    }
    await fx.syncRelease("three");
    names = ["--env", "dev", "--bucket", fx.target.bucket, "--function-name", fx.functionName];
  });

  it("reads what is live and that nothing is pinned", () => {
    const listed = list();
    expect([summariseReleases(listed, "dev"), checkPin(listed, "dev", false).ok, checkServing(listed, "dev", "2").ok]).toEqual([
      { pinned: false, version: "2", summary: "dev serves release two (version 2)" },
      true,
      true,
    ]);
  });

  it("names the rollback's target as before → after", () => {
    const result = npm("rollback", [...names, "--reason", "contract test"]);
    expect([result.status, summariseRollback(parseResult(result.stdout), "dev").summary]).toEqual([
      0,
      "rolled back dev: release two (version 2) → release one (version 1)",
    ]);
  });

  it("then sees the pin, and the pre-flight stops", () => {
    const listed = list();
    expect([summariseReleases(listed, "dev").pinned, checkPin(listed, "dev", false).ok, checkPin(listed, "dev", true).ok]).toEqual([true, false, true]);
  });

  it("says a rollback to what is live is already in effect", () => {
    const result = npm("rollback", [...names, "--to", "one", "--reason", "again"]);
    expect([result.status, summariseRollback(parseResult(result.stdout), "dev").summary]).toEqual([
      0,
      expect.stringMatching(/^rollback of dev already in effect: release one \(version 1\) is already live/),
    ]);
  });

  it("reports a release the pin refuses as refused, alias not moved", () => {
    const result = npm("release", [...names, "--release-id", "three", "--version", "3"]);
    expect([result.status, summariseRelease(parseResult(result.stdout), "dev")]).toEqual([
      1,
      { outcome: "refused", summary: expect.stringMatching(/^release of dev refused: .*; alias live was not moved$/) },
    ]);
  });

  it("reports a release with --unpin as before → after, with the version to check after E2E", () => {
    const result = npm("release", [...names, "--release-id", "three", "--version", "3", "--unpin"]);
    expect([result.status, summariseRelease(parseResult(result.stdout), "dev")]).toEqual([
      0,
      { outcome: "released", version: "3", summary: "released dev: release one (version 1) → release three (version 3)" },
    ]);
  });
});
