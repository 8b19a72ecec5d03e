/** npm run rehearse's own flags: refused before any set-up when they cannot mean two builds. */
import { main, REHEARSE_CLI } from "../../../scripts/rehearse/cli";

async function parsed(argv: string[]) {
  let seen: Record<string, unknown> | undefined;
  await REHEARSE_CLI.run(argv, async (flags) => {
    seen = flags;
    return 0;
  });
  return seen!;
}

describe("npm run rehearse flags", () => {
  it("rehearses the app.config.ts build on the first environment by default (no --env parsed)", async () => {
    expect(await parsed([])).toMatchObject({ env: undefined, json: false, builds: undefined, app: undefined, fault: undefined });
  });

  it("takes two build folders for --builds", async () => {
    expect((await parsed(["--builds", "/tmp/a,/tmp/b"])).builds).toEqual(["/tmp/a", "/tmp/b"]);
  });

  it("refuses --builds with one folder as a usage error", async () => {
    await expect(parsed(["--builds", "/tmp/a"])).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/^--builds must be two build folders separated by a comma/) });
  });

  it("refuses the same folder twice", async () => {
    await expect(parsed(["--builds", "/tmp/a,/tmp/a"])).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/two different builds/) });
  });

  it("refuses --builds with --app", async () => {
    await expect(parsed(["--builds", "/tmp/a,/tmp/b", "--app", "nuxt-app"])).rejects.toMatchObject({ exitCode: 2 });
  });
});

describe("npm run rehearse with APP_DIR", () => {
  afterEach(() => delete process.env.APP_DIR);

  it("refuses one build named by APP_DIR, saying to pass two with --builds", async () => {
    process.env.APP_DIR = "/tmp/web";
    await expect(main([])).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/APP_DIR=\/tmp\/web names one build.*--builds <dirA>,<dirB>/) });
  });
});
