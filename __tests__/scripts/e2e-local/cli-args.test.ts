import { formatCounts, parseE2eLocalArgs, readCounts } from "../../../scripts/e2e-local/cli";

describe("npm run e2e:local flags", () => {
  it("defaults to the dev environment and runs the suite", () => {
    expect(parseE2eLocalArgs([])).toEqual({ env: "dev", serve: false, verbose: false, playwrightArgs: [] });
  });

  it("reads --env in both spellings", () => {
    expect([parseE2eLocalArgs(["--env", "staging"]), parseE2eLocalArgs(["--env=prod"])]).toMatchObject([{ env: "staging" }, { env: "prod" }]);
  });

  it("passes unknown flags on to playwright test in order", () => {
    expect(parseE2eLocalArgs(["--grep", "health", "--serve", "--headed"])).toMatchObject({ serve: true, playwrightArgs: ["--grep", "health", "--headed"] });
  });

  it("rejects --env without a value as a usage error", () => {
    expect(() => parseE2eLocalArgs(["--env"])).toThrow(expect.objectContaining({ exitCode: 2 }));
  });
});

describe("e2e:local closing line", () => {
  it("counts flaky tests as passed and names skipped ones only when there are some", () => {
    expect(formatCounts({ passed: 6, failed: 0, flaky: 1, skipped: 0 })).toBe("E2E: 7 passed, 0 failed");
  });

  it("reports skipped tests", () => {
    expect(formatCounts({ passed: 5, failed: 1, flaky: 0, skipped: 1 })).toBe("E2E: 5 passed, 1 failed, 1 skipped");
  });

  it("reads nothing from a missing report", () => {
    expect(readCounts("/nonexistent/results.json")).toBeUndefined();
  });
});
