/**
 * Artifacts and the E2E browser: reports in dot folders are uploaded (and their absence is an
 * error), the build lives as long as a run can wait for approval, and every job that drives a
 * browser installs the Chromium build of the lockfile's Playwright.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { tempDir } from "../support/temp-dir";
import { allJobs, allSteps, ROOT, runs, stepIndex, workflow } from "./support";

const uploads = allSteps().filter(({ step }) => step.uses?.startsWith("actions/upload-artifact@"));
const where = ({ wf, jobId, step }: (typeof uploads)[number]) => `${wf.file} › ${jobId} › ${step.name ?? String(step.with?.name)}`;
const paths = (step: (typeof uploads)[number]["step"]) => String(step.with?.path ?? "").split("\n").filter(Boolean);

/** A deploy job may wait this long for a required reviewer before GitHub fails it (docs: Reviewing deployments). */
const APPROVAL_WAIT_DAYS = 30;

describe("artifact uploads", () => {
  const reports = uploads.filter(({ step }) => paths(step).some((p) => p.startsWith("e2e/.results")));

  it("include the E2E reports of every job that runs a browser suite against a deployment or locally", () => {
    expect(reports.map(({ wf, jobId }) => `${wf.file} › ${jobId}`).sort()).toEqual(["ci.yml › e2e-local", "deploy-environment.yml › deploy"]);
  });

  it("include hidden files wherever a path is in a dot folder (upload-artifact leaves them out by default)", () => {
    const hidden = uploads.filter(({ step }) => paths(step).some((p) => p.split("/").some((part) => part.startsWith(".") && part.length > 1)));
    expect([hidden.length >= 2, hidden.filter(({ step }) => step.with?.["include-hidden-files"] !== true).map(where)]).toEqual([true, []]);
  });

  it("fail when an E2E report is missing instead of warning", () => {
    expect(reports.filter(({ step }) => step.with?.["if-no-files-found"] !== "error").map(where)).toEqual([]);
  });

  it("keep artifacts between 1 and 90 days (upload-artifact's limits)", () => {
    expect(uploads.filter(({ step }) => !(Number(step.with?.["retention-days"]) >= 1 && Number(step.with?.["retention-days"]) <= 90)).map(where)).toEqual([]);
  });

  it("keep the build every environment deploys longer than a run can wait for a reviewer", () => {
    const build = workflow("deploy.yml").jobs.build!.steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"))!;
    expect([build.with?.name, Number(build.with?.["retention-days"])]).toEqual(["build", APPROVAL_WAIT_DAYS + 1]);
  });
});

describe("the E2E browser", () => {
  const BROWSER_SUITES = /\bnpm run (e2e|e2e:local|rehearse|test:e2e)\b/;
  const browserJobs = allJobs().filter(({ job }) => job.steps.some((s) => runs(s, BROWSER_SUITES)));

  it("is needed by the E2E, local E2E and rehearsal jobs (the check below is not vacuous)", () => {
    expect(browserJobs.map(({ wf, id }) => `${wf.file} › ${id}`).sort()).toEqual(["ci.yml › e2e-local", "ci.yml › rehearsal", "deploy-environment.yml › deploy"]);
  });

  it.each(browserJobs.map(({ wf, id, job }) => [`${wf.file} › ${id}`, job] as const))("%s installs Playwright's Chromium before its first browser suite", (_name, job) => {
    const install = stepIndex(job, (s) => runs(s, /^\.github\/scripts\/install-chromium\.sh$/m));
    const first = stepIndex(job, (s) => runs(s, BROWSER_SUITES));
    expect([install > -1, install < first, job.steps[install]?.if]).toEqual([true, true, job.steps[first]?.if]);
  });
});

describe("install-chromium.sh", () => {
  const SCRIPT = path.join(ROOT, ".github", "scripts", "install-chromium.sh");

  /** Runs the script with a stub `npx` that logs its arguments and, when told to, "installs" the browser. */
  function install(installs: boolean): { status: number | null; stdout: string; stderr: string; npx: string[]; githubEnv: string } {
    const dir = tempDir("install-chromium-");
    const bin = path.join(dir, "bin");
    const browsers = path.join(dir, "browsers");
    mkdirSync(bin);
    const chromium = String(
      spawnSync(process.execPath, ["-e", 'process.stdout.write(require("@playwright/test").chromium.executablePath())'], {
        cwd: ROOT,
        env: { ...process.env, PLAYWRIGHT_BROWSERS_PATH: browsers },
        encoding: "utf8",
      }).stdout,
    );
    writeFileSync(
      path.join(bin, "npx"),
      [
        "#!/usr/bin/env bash",
        `echo "$*" >> ${JSON.stringify(path.join(dir, "npx.log"))}`,
        'if [ "$3" = "--version" ]; then echo "Version 1.65.1"; exit 0; fi',
        installs ? `mkdir -p ${JSON.stringify(path.dirname(chromium))} && printf '#!/bin/sh\\n' > ${JSON.stringify(chromium)} && chmod +x ${JSON.stringify(chromium)}` : "true",
      ].join("\n"),
    );
    chmodSync(path.join(bin, "npx"), 0o755);
    const githubEnv = path.join(dir, "github-env");
    writeFileSync(githubEnv, "");
    const result = spawnSync("bash", [SCRIPT], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, PLAYWRIGHT_BROWSERS_PATH: browsers, GITHUB_ENV: githubEnv },
    });
    const log = path.join(dir, "npx.log");
    return { ...result, npx: existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : [], githubEnv: readFileSync(githubEnv, "utf8") };
  }

  let installed: ReturnType<typeof install>;
  beforeAll(() => {
    installed = install(true);
  });

  it("installs chromium with the lockfile's Playwright (no download of another version through npx)", () => {
    expect(installed.npx[0]).toBe("--no-install playwright install --with-deps --no-shell chromium");
  });

  it("points the E2E suites at the installed build through CHROMIUM_PATH", () => {
    expect(installed.githubEnv).toMatch(/^CHROMIUM_PATH=\/.*\/chrome\n$/);
  });

  it("fails with an annotation when the browser is not there after the install", () => {
    const result = install(false);
    expect([result.status, result.stderr, result.githubEnv]).toEqual([1, expect.stringContaining("::error::playwright install reported success but"), ""]);
  });
});
