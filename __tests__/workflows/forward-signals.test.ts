/**
 * .github/scripts/forward-signals.sh: a cancelled step's SIGINT/SIGTERM, which GitHub sends to
 * the step's bash only, reaches the node tool behind `npm run`, and the step ends only after
 * the tool finished its clean-up. First with a recorder script, then the real release CLI in
 * a canary on moto, interrupted the way the runner interrupts a step.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { release } from "../../scripts/release/release";
import { createFixture, person, putAlarm, type Fixture } from "../scripts/release/support";
import { tempDir } from "../support/temp-dir";
import { ROOT } from "./support";

const WRAPPER = path.join(ROOT, ".github", "scripts", "forward-signals.sh");
const childEnv = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };

interface Run {
  readonly status: number | null;
  readonly stderr: string;
}

/** Starts `forward-signals.sh <command…>` as the runner starts a step's bash (SIGINT not ignored). */
function start(command: readonly string[], cwd: string): Promise<Run> & { kill: (signal: NodeJS.Signals) => void } {
  const child = spawn(WRAPPER, [...command], { cwd, env: childEnv, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<Run>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stderr }));
  });
  return Object.assign(done, { kill: (signal: NodeJS.Signals) => void child.kill(signal) });
}

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A package whose `npm run record` script records the signals node receives, takes 500 ms to
 * "clean up", writes `cleaned` and exits 7; otherwise it waits a minute.
 */
function recorderPackage(): { dir: string; log: string } {
  const dir = tempDir("forward-signals-");
  const log = path.join(dir, "signals.log");
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "recorder", private: true, scripts: { record: "node record.js" } }));
  writeFileSync(
    path.join(dir, "record.js"),
    [
      "const fs = require('node:fs');",
      "fs.writeFileSync('started', '');",
      "for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => {",
      "  fs.appendFileSync('signals.log', s + '\\n');",
      "  setTimeout(() => { fs.appendFileSync('signals.log', 'cleaned\\n'); process.exit(7); }, 500);",
      "});",
      "setTimeout(() => {}, 60000);",
    ].join("\n"),
  );
  return { dir, log };
}

describe.each(["SIGINT", "SIGTERM"] as const)("forward-signals.sh receiving %s", (signal) => {
  let log: string[];
  let run: Run;
  beforeAll(async () => {
    const pkg = recorderPackage();
    const running = start(["npm", "run", "--silent", "record"], pkg.dir);
    await until(() => existsSync(path.join(pkg.dir, "started")), "the recorder to start");
    running.kill(signal);
    run = await running;
    log = readFileSync(pkg.log, "utf8").trim().split("\n");
  });

  it("passes it on to node behind npm run", () => {
    expect(log[0]).toBe(signal);
  });

  it("returns only after node finished its clean-up", () => {
    expect(log).toEqual([signal, "cleaned"]);
  });

  it("exits non-zero", () => {
    expect(run.status).not.toBe(0);
  });
});

describe("forward-signals.sh without a signal", () => {
  it("exits with the command's status", async () => {
    expect((await start(["bash", "-c", "exit 3"], ROOT)).status).toBe(3);
  });

  it("refuses to run without a command (usage error 2)", async () => {
    expect((await start([], ROOT)).status).toBe(2);
  });
});

describe("a release canary run as the deploy step runs it, when the runner cancels the step", () => {
  let fx: Fixture;
  let run: Run;
  beforeAll(async () => {
    fx = await createFixture("fwd-sigint", { versions: 2 });
    await fx.syncRelease("one");
    await release(fx.target, fx.ports(), { releaseId: "one", version: "1", gitSha: null, unpin: false, ...person });
    await fx.syncRelease("two");
    await putAlarm(`${fx.target.alarmPrefix}errors`, fx.functionName);
    // deploy-environment.yml's release step: the wrapper, then npm run --silent release.
    const running = start(
      [
        "npm", "run", "--silent", "release", "--",
        "--env", "dev", "--bucket", fx.target.bucket, "--function-name", fx.functionName, "--alarm-prefix", fx.target.alarmPrefix,
        "--release-id", "two", "--version", "2", "--canary", "10", "--steps", "2", "--step-seconds", "600", "--json",
      ],
      ROOT,
    );
    await until(async () => Object.keys((await fx.aliasVersion()).weights).length > 0, "the canary's weighted step");
    // The runner's first signal to a cancelled step: SIGINT to its bash.
    running.kill("SIGINT");
    run = await running;
  });

  it("ends the step with a failure", () => {
    expect(run.status).not.toBe(0);
  });

  it("leaves all traffic on the previous version", async () => {
    expect(await fx.aliasVersion()).toEqual({ version: "1", weights: {} });
  });

  it("records a canary-abort before the step ends", async () => {
    const [newest] = await fx.ledger();
    expect(newest).toMatchObject({ kind: "canary-abort", releaseId: "two", version: "2", previousVersion: "1", reason: "interrupted" });
  });
});
