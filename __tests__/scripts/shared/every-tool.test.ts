/**
 * What every command-line tool promises, one table for all of them (scripts/shared/cli.ts):
 * --help and -h on stdout with every declared flag and exit code, exit 0; a misspelt flag is
 * a usage error that suggests the right one; a bad value is refused before any set-up work;
 * with no AWS credentials at all the tools that call AWS say so plainly.
 *
 * In-process through each tool's `main`, plus the real entry points as npm runs them
 * (`node --import tsx <script>`, from package.json) for help and missing credentials.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { UserError } from "../../../lib/errors";
import { main as releaseTools, RELEASE_TOOLS } from "../../../scripts/release/cli";
import type { Cli, FlagSpecs } from "../../../scripts/shared/cli";
import { main as syncAssets, SYNC_ASSETS_CLI } from "../../../scripts/sync-assets/cli";
import { captureOutput } from "../../support/output";

const ROOT = path.resolve(__dirname, "../../..");

interface Tool {
  /** The npm script that runs it. */
  readonly script: string;
  readonly cli: Cli<FlagSpecs>;
  /** Its entry point with the arguments a user gives after `npm run <script> --`. */
  readonly main: (argv: readonly string[]) => Promise<number>;
  /** A misspelt flag and the one to suggest. */
  readonly misspelt: readonly [string, string];
  /** Arguments with one bad value, and the flag the error must name. */
  readonly badValue: readonly [readonly string[], string];
  /** Valid arguments that make it call AWS; absent for tools that never do. */
  readonly callsAws?: readonly string[];
}

const release = (command: string) => (argv: readonly string[]) => releaseTools([command, ...argv]);

const TOOLS: readonly Tool[] = [
  {
    script: "sync-assets",
    cli: SYNC_ASSETS_CLI,
    main: syncAssets,
    misspelt: ["--dryrun", "--dry-run"],
    badValue: [["--env", "dev", "--dir", ".", "--concurrency", "0"], "--concurrency"],
    callsAws: ["--env", "dev", "--dir", "<build>", "--release", "r1"],
  },
  {
    script: "release",
    cli: RELEASE_TOOLS.release,
    main: release("release"),
    misspelt: ["--canry", "--canary"],
    badValue: [["--env", "dev", "--release-id", "r1", "--canary", "150"], "--canary"],
    callsAws: ["--env", "dev", "--release-id", "r1"],
  },
  {
    script: "rollback",
    cli: RELEASE_TOOLS.rollback,
    main: release("rollback"),
    misspelt: ["--dryrun", "--dry-run"],
    badValue: [["--env", "dev", "--to", "../x"], "--to"],
    callsAws: ["--env", "dev"],
  },
  {
    script: "releases",
    cli: RELEASE_TOOLS.list,
    main: release("list"),
    misspelt: ["--limt", "--limit"],
    badValue: [["--env", "dev", "--limit", "0"], "--limit"],
    callsAws: ["--env", "dev"],
  },
  {
    script: "prune",
    cli: RELEASE_TOOLS.prune,
    main: release("prune"),
    misspelt: ["--keeep", "--keep"],
    badValue: [["--env", "dev", "--keep", "none", "--min-age-days", "3"], "--keep"],
    callsAws: ["--env", "dev", "--keep", "3", "--min-age-days", "30"],
  },
];

async function rejection(run: Promise<number>): Promise<UserError> {
  const error = await run.then(
    (code) => new Error(`resolved to ${code}`),
    (e: unknown) => e,
  );
  if (error instanceof UserError) return error;
  throw error;
}

const usageCode = (tool: Tool) => tool.cli.spec.usageExitCode ?? 2;

describe.each(TOOLS)("npm run $script", (tool) => {
  const output = captureOutput();

  it.each([["--help"], ["-h"]])("prints its help for %s on stdout only and exits 0", async (flag) => {
    expect([await tool.main([flag]), output.stdout.length > 0, output.stderr]).toEqual([0, true, ""]);
  });

  it("lists every declared flag in its help", async () => {
    await tool.main(["--help"]);
    const flags = Object.keys(tool.cli.spec.flags).map((name) => `--${name}`);
    expect(flags.filter((flag) => !new RegExp(`^\\s+(-\\w, )?${flag}\\b`, "m").test(output.stdout))).toEqual([]);
  });

  it("lists every exit code and its meaning in its help", async () => {
    await tool.main(["--help"]);
    const codes = Object.entries(tool.cli.spec.exitCodes).map(([code, meaning]) => `  ${code}  ${meaning}`);
    expect(codes.filter((line) => !output.stdout.includes(line))).toEqual([]);
  });

  it("refuses a misspelt flag with its usage code, suggesting the right one", async () => {
    const [wrong, right] = tool.misspelt;
    const error = await rejection(tool.main([wrong]));
    expect([error.exitCode, error.message]).toEqual([usageCode(tool), expect.stringContaining(`(Did you mean ${right}?)`)]);
  });

  it("refuses a bad value with its usage code before any set-up work (nothing printed)", async () => {
    const [argv, flag] = tool.badValue;
    const error = await rejection(tool.main(argv));
    expect([error.exitCode, error.message.startsWith(`${flag} must be`), output.stdout, output.stderr]).toEqual([usageCode(tool), true, "", ""]);
  });
});

/** The command package.json runs for a script, split into node's arguments. */
function entryPoint(script: string): string[] {
  const scripts = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
  const [node, ...args] = (scripts[script] ?? "").split(" ");
  if (node !== "node") throw new Error(`package.json: script ${script} does not start with node: ${scripts[script]}`);
  return args;
}

interface Exit {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runEntry(script: string, argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...entryPoint(script), ...argv], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout: out, stderr: err }));
  });
}

describe("the entry points npm runs", () => {
  let helps: Map<string, Exit>;
  beforeAll(async () => {
    const exits = await Promise.all(TOOLS.map((tool) => runEntry(tool.script, ["-h"])));
    helps = new Map(TOOLS.map((tool, i) => [tool.script, exits[i] as Exit]));
  });

  it.each(TOOLS.map((tool) => [tool.script]))("npm run %s -- -h prints its usage on stdout and exits 0", (script) => {
    const help = helps.get(script) as Exit;
    expect([help.code, help.stdout.split("\n")[0], help.stderr]).toEqual([0, expect.stringMatching(new RegExp(`^Usage: npm run ${script} -- `)), ""]);
  });
});

describe("with no AWS credentials anywhere", () => {
  const awsTools = TOOLS.filter((tool) => tool.callsAws);
  let work: string;
  let exits: Map<string, Exit>;
  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), "no-credentials-"));
    const empty = path.join(work, "empty");
    writeFileSync(empty, "");
    const env: NodeJS.ProcessEnv = { ...process.env, AWS_CONFIG_FILE: empty, AWS_SHARED_CREDENTIALS_FILE: empty, AWS_EC2_METADATA_DISABLED: "true" };
    for (const name of Object.keys(env)) {
      if (/^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|PROFILE|ENDPOINT_URL.*|WEB_IDENTITY_TOKEN_FILE|ROLE_ARN|CONTAINER_.*)$/.test(name)) delete env[name];
    }
    const dir = path.join(work, "client");
    mkdirSync(path.join(dir, "assets"), { recursive: true });
    writeFileSync(path.join(dir, "assets", "main.abcdef12.js"), "console.log(1)");
    const results = await Promise.all(
      awsTools.map((tool) => runEntry(tool.script, (tool.callsAws ?? []).map((arg) => (arg === "<build>" ? dir : arg)), env)),
    );
    exits = new Map(awsTools.map((tool, i) => [tool.script, results[i] as Exit]));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it.each(awsTools.map((tool) => [tool.script]))("npm run %s says so in one plain line and exits 1", (script) => {
    const exit = exits.get(script) as Exit;
    const errors = exit.stderr.split("\n").filter((line) => /^error:|^\s+at /.test(line));
    expect([exit.code, errors]).toEqual([1, [expect.stringMatching(/^error: no AWS credentials found; set AWS_PROFILE/)]]);
  });
});
