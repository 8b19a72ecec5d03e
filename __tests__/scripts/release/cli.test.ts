/**
 * The CLI: flags, exit codes and output, mostly in-process through `main`; one subprocess
 * run checks the real entry point (exit code, one JSON object on stdout).
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { main } from "../../../scripts/release/cli";
import { release } from "../../../scripts/release/release";
import { createFixture, person, type Fixture } from "./support";

const ROOT = path.resolve(__dirname, "../../..");

function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), "scripts/release/cli.ts", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs main in-process, capturing what it writes to stderr. */
async function runMain(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = "";
  const spy = jest.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    stderr += chunk.toString();
    return true;
  });
  try {
    return { code: await main(args), stderr };
  } finally {
    spy.mockRestore();
  }
}

describe("release CLI usage errors (exit 2)", () => {
  const usageError = (args: string[], message: RegExp) =>
    expect(main(args)).rejects.toMatchObject({ name: "UserError", exitCode: 2, message: expect.stringMatching(message) });

  it("requires --env", () => usageError(["rollback"], /missing required flag --env/));
  it("rejects an unknown environment, listing the known ones", () => usageError(["rollback", "--env", "qa"], /unknown environment "qa"; known: dev, staging, prod/));
  it("rejects an unknown flag", () => usageError(["rollback", "--env", "dev", "--force"], /Unknown option '--force'/));
  it("rejects an unknown command", () => usageError(["deploy"], /unknown command "deploy"/));
  it("rejects a canary percentage outside 1-99", () => usageError(["release", "--env", "dev", "--release-id", "r", "--canary", "150"], /--canary must be a whole number from 1 to 99/));
  it("rejects canary steps without --canary", () => usageError(["release", "--env", "dev", "--release-id", "r", "--steps", "3"], /--steps only applies with --canary/));
  it("rejects a release id S3 keys cannot hold", () => usageError(["release", "--env", "dev", "--release-id", "a/b"], /--release-id must match/));
  it("requires --keep for prune", () => usageError(["prune", "--env", "dev", "--min-age-days", "7"], /missing required flag --keep/));
  it("rejects prune with both --yes and --dry-run", () =>
    usageError(["prune", "--env", "dev", "--keep", "3", "--min-age-days", "7", "--yes", "--dry-run"], /contradict/));
});

describe("release CLI against moto", () => {
  let fx: Fixture;
  let names: string[];
  beforeAll(async () => {
    fx = await createFixture("cli", { versions: 2 });
    for (const [id, version] of [["one", "1"], ["two", "2"]]) {
      await fx.syncRelease(id);
      await release(fx.target, fx.ports(), { releaseId: id, version, gitSha: "abc1234", unpin: false, ...person });
    }
    names = ["--env", "dev", "--bucket", fx.target.bucket, "--function-name", fx.target.functionName];
  });

  it("prints the ledger newest first, marking what is live", async () => {
    const { code, stderr } = await runMain(["list", ...names]);
    expect(code).toBe(0);
    expect(stderr.split("\n").filter((l) => /^\d+ /.test(l))).toEqual([
      expect.stringMatching(/^2 .* release +two +2 +1 +tester +abc1234 +live$/),
      expect.stringMatching(/^1 .* release +one +1 +1 +tester/),
    ]);
  });

  it("lists what prune would delete and deletes nothing without --yes", async () => {
    const { code, stderr } = await runMain(["prune", ...names, "--keep", "1", "--min-age-days", "0"]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/would delete .*\n[\s\S]*dry run: nothing was deleted; pass --yes to delete/);
  });

  it("exits 1 naming the problem when the release id is unknown", async () => {
    const { code, stderr } = await runMain(["rollback", ...names, "--to", "three"]);
    expect([code, stderr.trim()]).toEqual([1, expect.stringMatching(/^refused: unknown release id "three"/)]);
  });

  it("rolls back and prints one JSON object on stdout with --json", () => {
    const result = runCli(["rollback", ...names, "--json"]);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      command: "rollback",
      outcome: "rolled-back",
      before: { version: "2", releaseId: "two" },
      after: { version: "1", releaseId: "one" },
      aws: { calls: 6 },
    });
  });
});
