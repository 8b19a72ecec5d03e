/**
 * The commit and CI run link every CLI records (scripts/shared/git.ts, scripts/shared/ci.ts).
 */
import { execFileSync } from "node:child_process";

import path from "node:path";
import { ciRunUrl } from "../../../scripts/shared/ci";
import { defaultReleaseId, resolveCommit } from "../../../scripts/shared/git";
import { tempDir } from "../../support/temp-dir";

const ROOT = path.resolve(__dirname, "../../..");

describe("defaultReleaseId", () => {
  it("takes the explicit flag first", () => {
    expect(defaultReleaseId("r1", { cwd: ROOT, vars: { GITHUB_SHA: "abc" } })).toEqual({ ok: true, value: "r1", source: "flag" });
  });

  it("then the CI commit, GITHUB_SHA before other CI systems' variables", () => {
    expect(defaultReleaseId(undefined, { cwd: ROOT, vars: { CI_COMMIT_SHA: "gitlab", GITHUB_SHA: "github" } })).toMatchObject({ value: "github", source: "ci" });
  });

  it("then the checkout's HEAD", () => {
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
    expect(defaultReleaseId(undefined, { cwd: ROOT, vars: {} })).toEqual({ ok: true, value: head, source: "git" });
  });

  it("says why when there is no commit to default to", () => {
    const notRepo = tempDir("not-a-repo-");
    expect(resolveCommit(undefined, { cwd: notRepo, vars: {} })).toMatchObject({ ok: false, problem: expect.stringContaining(notRepo) });
  });
});

describe("ciRunUrl", () => {
  const actions = { GITHUB_SERVER_URL: "https://ghe.example.com/", GITHUB_REPOSITORY: "acme/web", GITHUB_RUN_ID: "42" };

  it("links the GitHub Actions run", () => {
    expect(ciRunUrl(actions)).toBe("https://ghe.example.com/acme/web/actions/runs/42");
  });

  it("defaults the server to github.com", () => {
    expect(ciRunUrl({ ...actions, GITHUB_SERVER_URL: undefined })).toBe("https://github.com/acme/web/actions/runs/42");
  });

  it("falls back to other CI systems' run URLs", () => {
    expect(ciRunUrl({ CI_JOB_URL: "https://gitlab.example.com/acme/web/-/jobs/7" })).toBe("https://gitlab.example.com/acme/web/-/jobs/7");
  });

  it("is undefined outside CI", () => {
    expect(ciRunUrl({ GITHUB_RUN_ID: " " })).toBeUndefined();
  });
});
