import { E2E_LOCAL_CLI, formatCounts, main, playwrightArguments, readCounts } from "../../../scripts/e2e-local/cli";

/** The flags and operands the CLI parses from `argv`, without running anything. */
async function parsed(argv: string[]) {
  let seen: { flags: Record<string, unknown>; operands: readonly string[] } | undefined;
  await E2E_LOCAL_CLI.run(argv, async (flags, operands) => {
    seen = { flags, operands };
    return 0;
  });
  if (!seen) throw new Error("not parsed");
  return seen;
}

describe("npm run e2e:local flags", () => {
  it("leaves --env unset by default: the run takes the first environment in pipeline order", async () => {
    expect((await parsed([])).flags).toMatchObject({ env: undefined, serve: false, verbose: false });
  });

  it("reads --env in both spellings", async () => {
    expect([(await parsed(["--env", "staging"])).flags.env, (await parsed(["--env=prod"])).flags.env]).toMatchObject([{ name: "staging" }, { name: "prod" }]);
  });

  it("passes Playwright's declared flags, then test filters and whatever follows --, on to playwright test in order", async () => {
    const { flags, operands } = await parsed(["--grep", "health", "--serve", "--headed", "site.spec.ts", "--", "--shard", "1/2"]);
    expect(playwrightArguments(flags, operands)).toEqual(["--grep", "health", "--headed", "site.spec.ts", "--shard", "1/2"]);
  });

  it("takes -g for --grep, as playwright does", async () => {
    expect(playwrightArguments((await parsed(["-g", "health"])).flags, [])).toEqual(["--grep", "health"]);
  });

  it("rejects --env without a value as a usage error", async () => {
    await expect(parsed(["--env"])).rejects.toMatchObject({ exitCode: 2 });
  });

  it("rejects a misspelt flag before any set-up, suggesting the right one", async () => {
    await expect(main(["--grpe", "health"])).rejects.toMatchObject({
      exitCode: 2,
      message: "unknown option '--grpe'\n(Did you mean --grep?)\n(see npm run e2e:local -- --help)",
    });
  });
});

describe("e2e:local without a browser", () => {
  const saved = process.env.CHROMIUM_PATH;
  afterEach(() => {
    if (saved === undefined) delete process.env.CHROMIUM_PATH;
    else process.env.CHROMIUM_PATH = saved;
  });

  it("stops before any set-up with one line saying what to install or set (exit 1)", async () => {
    process.env.CHROMIUM_PATH = "/nonexistent/chromium";
    const stderr = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      const error = await main([]).catch((e: unknown) => e);
      expect([error, stderr.mock.calls.length]).toEqual([
        expect.objectContaining({
          name: "UserError",
          exitCode: 1,
          message: "CHROMIUM_PATH=/nonexistent/chromium: no such file. Point it at a Chromium or Chrome binary.",
        }),
        0,
      ]);
    } finally {
      stderr.mockRestore();
    }
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

describe("--app", () => {
  it("selects a framework example", async () => {
    expect((await parsed(["--app", "nextjs-app"])).flags).toMatchObject({ app: "nextjs-app" });
  });

  it("refuses an unknown one as a usage error", async () => {
    await expect(parsed(["--app", "remix-app"])).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/--app.*remix-app/s) });
  });
});
