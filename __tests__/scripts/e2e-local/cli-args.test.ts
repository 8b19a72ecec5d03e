import { parseE2eLocalArgs } from "../../../scripts/e2e-local/cli";

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
