/**
 * The CLI: flags, exit codes and output, mostly in-process through `main`; two subprocess
 * runs check the real entry point as npm runs it (`node --import tsx`): exit codes, one JSON
 * object on stdout.
 */
import { environmentNames } from "../../../environments";
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { main } from "../../../scripts/release/cli";
import { release } from "../../../scripts/release/release";
import { rollback } from "../../../scripts/release/rollback";
import { tempDir, writeOpenNextBuild } from "../../support/app-builds";
import { captureOutput } from "../../support/output";
import { PASS, startFaultProxy, type FaultProxy } from "../../support/fault-proxy";
import { createFixture, person, putAlarm, setAlarm, type Fixture } from "./support";

const ROOT = path.resolve(__dirname, "../../..");
const CLI = [process.execPath, "--import", "tsx", "scripts/release/cli.ts"] as const;
const childEnv = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };

function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const [node, ...flags] = CLI;
  const result = spawnSync(node, [...flags, ...args], { cwd: ROOT, encoding: "utf8", env: childEnv });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts the CLI without waiting for it, so a test can act (or signal it) while it runs. */
function startCli(args: string[]): Promise<{ status: number | null; stderr: string }> & { kill: (signal: NodeJS.Signals) => void } {
  const [node, ...flags] = CLI;
  const child = spawn(node, [...flags, ...args], { cwd: ROOT, env: childEnv, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ status: number | null; stderr: string }>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stderr }));
  });
  return Object.assign(done, { kill: (signal: NodeJS.Signals) => void child.kill(signal) });
}

/** Waits until the alias routes part of its traffic to another version (a canary step is on). */
async function untilWeighted(fx: Fixture): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Object.keys((await fx.aliasVersion()).weights).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
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

describe("release CLI: which functions a release moves", () => {
  const output = captureOutput();
  const savedAppDir = process.env.APP_DIR;
  afterEach(() => {
    if (savedAppDir === undefined) delete process.env.APP_DIR;
    else process.env.APP_DIR = savedAppDir;
  });

  it("takes them from the app build (an OpenNext build: server, image optimizer, revalidation), named by lib/naming.ts", async () => {
    const fx = await createFixture("cli-set", { versions: 1 });
    process.env.APP_DIR = writeOpenNextBuild(tempDir());
    await main(["release", "--env", "dev", "--bucket", fx.target.bucket, "--release-id", "r1", "--json"]);
    expect(JSON.parse(output.stdout).functions).toEqual([
      { id: "server", functionName: "acme-web-dev-ssr", alias: "live" },
      { id: "image", functionName: "acme-web-dev-image", alias: "live" },
      { id: "revalidation", functionName: "acme-web-dev-revalidation", alias: "live" },
    ]);
  });
});

describe("release CLI usage errors (exit 2)", () => {
  const usageError = (args: string[], message: RegExp) =>
    expect(main(args)).rejects.toMatchObject({ name: "UserError", exitCode: 2, message: expect.stringMatching(message) });

  it("requires --env", () => usageError(["rollback"], /missing required flag --env/));
  it("rejects an unknown environment, listing the known ones", () =>
    usageError(["rollback", "--env", "no-such-env-x9"], new RegExp(`--env must name a known environment: ${environmentNames().join(", ")} \\(got "no-such-env-x9"\\)`)));
  it("rejects an unknown flag", () => usageError(["rollback", "--env", "dev", "--force"], /unknown option '--force'/));
  it("suggests the flag a misspelt one was meant to be", () => usageError(["rollback", "--env", "dev", "--dryrun"], /\(Did you mean --dry-run\?\)/));
  it("rejects an unknown command", () => usageError(["deploy"], /unknown command "deploy"/));
  it("rejects a canary percentage outside 1-99", () => usageError(["release", "--env", "dev", "--release-id", "r", "--canary", "150"], /--canary must be a whole number from 1 to 99/));
  it("rejects canary steps without --canary", () => usageError(["release", "--env", "dev", "--release-id", "r", "--steps", "3"], /--steps only applies with --canary/));
  it("rejects a release id S3 keys cannot hold", () => usageError(["release", "--env", "dev", "--release-id", "a/b"], /--release-id must be a release id matching .* \(got "a\/b"\)/));
  it("requires --keep for prune", () => usageError(["prune", "--env", "dev", "--min-age-days", "7"], /missing required flag --keep/));
  it("rejects prune with both --yes and --dry-run", () =>
    usageError(["prune", "--env", "dev", "--keep", "3", "--min-age-days", "7", "--yes", "--dry-run"], /'--yes' cannot be used with option '--dry-run'/));
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
    names = ["--env", "dev", "--bucket", fx.target.bucket, "--function-name", fx.functionName];
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

describe("release CLI outcomes", () => {
  let fx: Fixture;
  let names: string[];
  beforeAll(async () => {
    fx = await createFixture("cli-out", { versions: 3 });
    for (const [id, version] of [["one", "1"], ["two", "2"]]) {
      await fx.syncRelease(id);
      await release(fx.target, fx.ports(), { releaseId: id, version, gitSha: null, unpin: false, ...person });
    }
    await fx.syncRelease("three");
    await rollback(fx.target, fx.ports(), { reason: "bad", dryRun: false, skipAssetCheck: false, ...person });
    names = ["--env", "dev", "--bucket", fx.target.bucket, "--function-name", fx.functionName];
  });

  it("defaults the release id to the CI commit, not to --git-sha", async () => {
    const saved = process.env.GITHUB_SHA;
    process.env.GITHUB_SHA = "c0ffee1";
    try {
      const { code, stderr } = await runMain(["release", ...names, "--git-sha", "deadbee", "--unpin"]);
      expect([code, stderr]).toEqual([1, expect.stringContaining("_releases/dev/c0ffee1.assets.json")]);
    } finally {
      if (saved === undefined) delete process.env.GITHUB_SHA;
      else process.env.GITHUB_SHA = saved;
    }
  });

  it("moves a pinned environment forward with --unpin", async () => {
    const { code, stderr } = await runMain(["release", ...names, "--release-id", "three", "--version", "3", "--unpin"]);
    expect([code, stderr.trim(), (await fx.aliasVersion()).version]).toEqual([
      0,
      expect.stringMatching(/^released dev: release one \(version 1\) → release three \(version 3\)/),
      "3",
    ]);
  });

  it("deletes what prune listed with --yes, and exits 0", async () => {
    const before = (await fx.objectKeys("assets/")).length;
    const { code, stderr } = await runMain(["prune", ...names, "--keep", "1", "--min-age-days", "0", "--yes"]);
    // Kept: release three (the last one, live) only; one and two each had 2 assets and a version.
    expect([code, stderr.split("\n")[1], (await fx.objectKeys("assets/")).length]).toEqual([
      0,
      expect.stringMatching(/^deleted 4 asset\(s\) .* and 2 version\(s\)/),
      before - 4,
    ]);
  });

  it("exits 1 naming the function when `releases` cannot find it", async () => {
    const { code, stderr } = await runMain(["list", "--env", "dev", "--bucket", fx.target.bucket, "--function-name", "no-such-function"]);
    expect([code, stderr]).toEqual([1, expect.stringMatching(/error: cannot read alias live of function no-such-function: .*--function-name/)]);
  });

  it("exits 1 naming the alias when `releases` cannot find it", async () => {
    const { code, stderr } = await runMain(["list", ...names, "--alias", "nope"]);
    expect([code, stderr]).toEqual([1, expect.stringMatching(/error: cannot read alias nope of function /)]);
  });
});

describe("release CLI when the ledger record cannot be written", () => {
  let proxy: FaultProxy;
  let fx: Fixture;
  let names: string[];
  let outcome: { code: number; stderr: string };
  beforeAll(async () => {
    proxy = await startFaultProxy(process.env.MOTO_ENDPOINT ?? "");
    fx = await createFixture("cli-unrec", { versions: 2 });
    await fx.syncRelease("one");
    await release(fx.target, fx.ports(), { releaseId: "one", version: "1", gitSha: null, unpin: false, ...person });
    await fx.syncRelease("two");
    names = ["--env", "dev", "--bucket", fx.target.bucket, "--function-name", fx.functionName];
    proxy.setDecider((r) =>
      r.method === "PUT" && r.url.includes("/_releases/dev/ledger/")
        ? { kind: "respond", status: 403, headers: { "content-type": "application/xml" }, body: "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>" }
        : PASS,
    );
    const saved = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = proxy.endpoint;
    try {
      outcome = await runMain(["release", ...names, "--release-id", "two", "--version", "2"]);
    } finally {
      process.env.AWS_ENDPOINT_URL = saved;
      proxy.setDecider(() => PASS);
    }
  });
  afterAll(() => proxy.close());

  it("exits 1 saying the alias DID move, and to which version", () => {
    expect([outcome.code, outcome.stderr]).toEqual([1, expect.stringMatching(/DID move: release one \(version 1\) → release two \(version 2\)/)]);
  });

  it("prints the exact command that records it, naming the versions it moved from", () => {
    const command = /record it \(moves nothing; the aliases are already there\): npm run release -- (.*)/.exec(outcome.stderr)?.[1] ?? "";
    // The checkout's commit, recorded as the release's git sha.
    expect(command).toMatch(new RegExp(`^${names.join(" ")} --release-id two --version 2 --moved-from 1 --git-sha [0-9a-f]{40}$`));
  });

  it("whose record keeps the true before and after", async () => {
    const command = /record it \(moves nothing; the aliases are already there\): npm run release -- (.*)/.exec(outcome.stderr)?.[1] ?? "";
    const again = await runMain(["release", ...command.split(" ")]);
    expect([again.code, (await fx.ledger())[0]]).toEqual([
      0,
      expect.objectContaining({ kind: "release", releaseId: "two", version: "2", previousVersion: "1", previousReleaseId: "one" }),
    ]);
  });
});

describe("release CLI canary abort (subprocess)", () => {
  it("exits 1 when an alarm goes off during the canary, with all traffic back on the previous version", async () => {
    const fx = await createFixture("cli-canary", { versions: 2 });
    await fx.syncRelease("one");
    await release(fx.target, fx.ports(), { releaseId: "one", version: "1", gitSha: null, unpin: false, ...person });
    await fx.syncRelease("two");
    const alarm = `${fx.target.alarmPrefix}errors`;
    await putAlarm(alarm, fx.functionName);
    const running = startCli([
      "release", "--env", "dev", "--bucket", fx.target.bucket, "--function-name", fx.functionName,
      "--release-id", "two", "--version", "2", "--canary", "10", "--steps", "1", "--step-seconds", "3", "--alarm-prefix", fx.target.alarmPrefix,
    ]);
    // Once the canary's weighted step is on, the alarm goes off while the CLI watches.
    await untilWeighted(fx);
    await setAlarm(alarm, "ALARM");
    const { status, stderr } = await running;
    expect([status, stderr, await fx.aliasVersion()]).toEqual([
      1,
      expect.stringMatching(/canary aborted: .*alarm in ALARM: .*errors/),
      { version: "1", weights: {} },
    ]);
  });
});

describe("release CLI receiving SIGTERM mid-step (subprocess)", () => {
  let fx: Fixture;
  let outcome: { status: number | null; stderr: string };
  beforeAll(async () => {
    fx = await createFixture("cli-sigterm", { versions: 2 });
    await fx.syncRelease("one");
    await release(fx.target, fx.ports(), { releaseId: "one", version: "1", gitSha: null, unpin: false, ...person });
    await fx.syncRelease("two");
    await putAlarm(`${fx.target.alarmPrefix}errors`, fx.functionName);
    const running = startCli([
      "release", "--env", "dev", "--bucket", fx.target.bucket, "--function-name", fx.functionName,
      "--release-id", "two", "--version", "2", "--canary", "10", "--steps", "2", "--step-seconds", "600", "--alarm-prefix", fx.target.alarmPrefix,
    ]);
    await untilWeighted(fx);
    running.kill("SIGTERM");
    outcome = await running;
  });

  it("exits non-zero, saying the canary was interrupted", () => {
    expect([outcome.status, outcome.stderr]).toEqual([1, expect.stringMatching(/SIGTERM: returning all traffic[\s\S]*canary aborted: .*\(interrupted\)/)]);
  });

  it("leaves all traffic on the previous version", async () => {
    expect(await fx.aliasVersion()).toEqual({ version: "1", weights: {} });
  });

  it("records a canary-abort", async () => {
    const [newest] = await fx.ledger();
    expect(newest).toMatchObject({ kind: "canary-abort", releaseId: "two", version: "2", previousVersion: "1", reason: "interrupted" });
  });
});

describe("release CLI and free text in the ledger", () => {
  let fx: Fixture;
  let names: string[];
  const webhook = ["https://hooks.slack.com", "services", "T000", "B000", "XXXXXXXXXXXX"].join("/");
  beforeAll(async () => {
    fx = await createFixture("cli-text", { versions: 2 });
    for (const [id, version] of [["one", "1"], ["two", "2"]]) {
      await fx.syncRelease(id);
      await release(fx.target, fx.ports(), { releaseId: id, version, gitSha: null, unpin: false, ...person });
    }
    names = ["--env", "dev", "--bucket", fx.target.bucket, "--function-name", fx.functionName];
  });

  it("refuses a 20 KB reason as a usage error, writing nothing", async () => {
    const records = (await fx.ledger()).length;
    await expect(main(["rollback", ...names, "--reason", "x".repeat(20_000)])).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/^--reason is 20000 characters long/) });
    expect((await fx.ledger()).length).toBe(records);
  });

  it("refuses a reason holding a webhook URL, saying why and never echoing it", async () => {
    const error = await main(["rollback", ...names, "--reason", `see ${webhook}`]).catch((e: Error) => e);
    expect([String((error as Error).message).includes("hooks.slack.com"), (error as Error).message]).toEqual([false, expect.stringContaining("looks like it holds a Slack webhook URL")]);
  });

  describe("a record another writer stored with escape sequences and a secret", () => {
    let stderr = "";
    beforeAll(async () => {
      const { PutObjectCommand } = await import("@aws-sdk/client-s3");
      const { recordKey, serializeRecord } = await import("../../../scripts/release/ledger");
      const [newest] = await fx.ledger();
      const hostile = { ...newest, seq: newest.seq + 1, kind: "rollback" as const, releaseId: "one", version: "1", previousVersion: "2", reason: `\u001b[2J\u001b[31mall fine\r ${webhook}` };
      await fx.s3.send(new PutObjectCommand({ Bucket: fx.target.bucket, Key: recordKey("_releases/dev/ledger/", hostile), Body: serializeRecord(hostile) }));
      ({ stderr } = await runMain(["list", ...names]));
    });

    it("is listed without a raw control character", () => {
      // Every C0 control but the newline, DEL and the C1 controls.
      const raw = [...stderr].filter((c) => c !== "\n" && /\p{Cc}/u.test(c));
      expect(raw).toEqual([]);
    });

    it("is listed with the escapes shown and the secret redacted", () => {
      expect(stderr).toMatch(/reason: \\x1b\[2J\\x1b\[31mall fine\\x0d \[redacted: a Slack webhook URL\]/);
    });
  });
});
