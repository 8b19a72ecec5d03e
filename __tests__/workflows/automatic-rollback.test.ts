/**
 * deploy-environment.yml's pin pre-flight and automatic rollback steps, run as GitHub runs
 * them (bash -e, GITHUB_OUTPUT) against a release fixture on moto: the rollback goes back to
 * the version the pre-flight saw live, also when someone rolled back by hand meanwhile (no
 * `--to` would then mean "the release before the live one", two releases back).
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { release } from "../../scripts/release/release";
import { rollback } from "../../scripts/release/rollback";
import { createFixture, person, type Fixture } from "../scripts/release/support";
import { tempDir } from "../support/temp-dir";
import { ROOT, workflow, type Step } from "./support";

const job = workflow("deploy-environment.yml").jobs.deploy!;
const preflight = job.steps.find((s) => s.id === "preflight")!;
const rollbackStep = job.steps.find((s) => s.id === "rollback")!;

/**
 * Runs one step's script in the repository with `npm` pointed at the fixture's bucket and
 * function (the steps name only the environment, whose real names the fixture cannot use).
 */
function runStep(step: Step, fx: Fixture, variables: Record<string, string>): { status: number | null; outputs: Record<string, string>; stderr: string } {
  const dir = tempDir("deploy-step-");
  const bin = path.join(dir, "bin");
  mkdirSync(bin);
  const npm = spawnSync("bash", ["-c", "command -v npm"], { encoding: "utf8" }).stdout.trim();
  writeFileSync(
    path.join(bin, "npm"),
    `#!/usr/bin/env bash\nexec ${JSON.stringify(npm)} "$@" --bucket ${fx.target.bucket} --function-name ${fx.functionName}\n`,
  );
  chmodSync(path.join(bin, "npm"), 0o755);
  const output = path.join(dir, "output");
  writeFileSync(output, "");
  const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run!], {
    cwd: ROOT,
    encoding: "utf8",
    env: {
      ...process.env,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      PATH: `${bin}:${process.env.PATH}`,
      GITHUB_OUTPUT: output,
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_REPOSITORY: "o/r",
      GITHUB_RUN_ID: "7",
      ENV_NAME: "dev",
      UNPIN: "false",
      RELEASE_ID: "three",
      ...variables,
    },
  });
  const outputs = Object.fromEntries(
    readFileSync(output, "utf8")
      .split("\n")
      .filter((line) => line.includes("="))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
  return { status: result.status, outputs, stderr: result.stderr };
}

const failedJob = { JOB_STATUS: "failure", RELEASE: "success", E2E: "failure", SERVING_CHECK: "skipped" };
/** Workspace files the steps write (releases-before.json, rollback.json) are removed after each run. */
const cleanUp = () => {
  for (const file of ["releases-before.json", "rollback.json"]) rmSync(path.join(ROOT, file), { force: true });
};

/** Releases one (v1) and two (v2), the deploy's pre-flight, then this run's release three (v3). */
async function deployedThree(label: string): Promise<{ fx: Fixture; recorded: string }> {
  const fx = await createFixture(label, { versions: 3 });
  for (const [id, version] of [["one", "1"], ["two", "2"]] as const) {
    await fx.syncRelease(id);
    await release(fx.target, fx.ports(), { releaseId: id, version, gitSha: null, unpin: false, ...person });
  }
  const pre = runStep(preflight, fx, {});
  await fx.syncRelease("three");
  await release(fx.target, fx.ports(), { releaseId: "three", version: "3", gitSha: null, unpin: false, ...person });
  return { fx, recorded: pre.outputs.version ?? "" };
}

afterEach(cleanUp);

describe("the automatic rollback after a failed E2E gate", () => {
  let fx: Fixture;
  let recorded: string;
  beforeAll(async () => {
    ({ fx, recorded } = await deployedThree("auto-rb"));
    runStep(rollbackStep, fx, { ...failedJob, TARGET: recorded });
    cleanUp();
  });

  it("finds the version live before the run in the pre-flight's output", () => {
    expect(recorded).toBe("2");
  });

  it("returns the environment to it", async () => {
    expect(await fx.aliasVersion()).toEqual({ version: "2", weights: {} });
  });
});

describe("the automatic rollback when someone rolled back by hand meanwhile", () => {
  let fx: Fixture;
  let run: ReturnType<typeof runStep>;
  beforeAll(async () => {
    let recorded: string;
    ({ fx, recorded } = await deployedThree("auto-rb-hand"));
    await rollback(fx.target, fx.ports(), { to: "two", reason: "by hand", dryRun: false, skipAssetCheck: false, ...person });
    run = runStep(rollbackStep, fx, { ...failedJob, TARGET: recorded });
    cleanUp();
  });

  it("leaves the environment on the version live before the run, not two releases back", async () => {
    expect(await fx.aliasVersion()).toEqual({ version: "2", weights: {} });
  });

  it("says the target was already live", () => {
    expect([run.status, run.outputs.summary]).toEqual([0, expect.stringMatching(/already/)]);
  });
});
