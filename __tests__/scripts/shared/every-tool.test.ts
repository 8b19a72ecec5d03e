/**
 * What every command-line tool promises, one table for all of them (scripts/shared/cli.ts):
 * --help and -h on stdout with every declared flag and exit code, exit 0; a misspelt flag is
 * a usage error that suggests the right one; a bad value is refused before any set-up work;
 * with no AWS credentials at all the tools that call AWS say so plainly.
 *
 * In-process through each tool's `main`, plus the real entry points as their users start them
 * (`node --import tsx <script>`, from package.json for npm scripts) for help and missing
 * credentials.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { UserError } from "../../../lib/errors";
import { FAILED_STEP_CLI, main as failedStep } from "../../../.github/scripts/failed-step";
import { main as releaseSummary, RELEASE_SUMMARY_TOOLS } from "../../../.github/scripts/release-summary";
import { DEMO_CLI, main as demo } from "../../../scripts/demo/cli";
import { DOCTOR_CLI, main as doctor } from "../../../scripts/doctor/cli";
import { ENVIRONMENTS_CLI, main as environments } from "../../../scripts/environments/cli";
import { APP_CLI, main as app } from "../../../scripts/app/cli";
import { E2E_LOCAL_CLI, main as e2eLocal } from "../../../scripts/e2e-local/cli";
import { main as notify, NOTIFY_CLI } from "../../../scripts/notify/cli";
import { PLAN_REVIEW_CLI, planReview } from "../../../scripts/plan-review/cli";
import { main as policy, POLICY_CLI } from "../../../scripts/policy/cli";
import { main as rehearse, REHEARSE_CLI } from "../../../scripts/rehearse/cli";
import { main as releaseTools, RELEASE_TOOLS } from "../../../scripts/release/cli";
import type { Cli, FlagSpecs } from "../../../scripts/shared/cli";
import { main as syncAssets, SYNC_ASSETS_CLI } from "../../../scripts/sync-assets/cli";
import { captureOutput } from "../../support/output";
import { tempDir } from "../../support/temp-dir";

const ROOT = path.resolve(__dirname, "../../..");

interface Tool {
  /** What a user types to start it. */
  readonly name: string;
  readonly cli: Cli<FlagSpecs>;
  /** Its main function, given the arguments a user types after the name. */
  readonly main: (argv: readonly string[]) => Promise<number>;
  /** node's arguments that start it as its users do (package.json's for an npm script). */
  readonly entry: readonly string[];
  /** A misspelt flag and the one to suggest. */
  readonly misspelt: readonly [string, string];
  /** Arguments with one bad value, and the flag the error must name; absent without value flags. */
  readonly badValue?: readonly [readonly string[], string];
  /** Valid arguments that make it call AWS; absent for tools that never do. */
  readonly callsAws?: readonly string[];
}

/** The command package.json runs for a script, as node's arguments. */
function npmScript(script: string): string[] {
  const scripts = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
  const [node, ...args] = (scripts[script] ?? "").split(" ");
  if (node !== "node") throw new Error(`package.json: script ${script} does not start with node: ${scripts[script]}`);
  return args;
}

const release = (command: string) => (argv: readonly string[]) => releaseTools([command, ...argv]);
const summary = (command: string) => (argv: readonly string[]) => releaseSummary([command, ...argv], {}, (text) => process.stdout.write(text));
const SUMMARY_SCRIPT = ["--import", "tsx", ".github/scripts/release-summary.ts"];

const TOOLS: readonly Tool[] = [
  {
    name: "npm run sync-assets",
    cli: SYNC_ASSETS_CLI,
    main: syncAssets,
    entry: npmScript("sync-assets"),
    misspelt: ["--dryrun", "--dry-run"],
    badValue: [["--env", "dev", "--dir", ".", "--concurrency", "0"], "--concurrency"],
    callsAws: ["--env", "dev", "--dir", "<build>", "--release", "r1"],
  },
  {
    name: "npm run release",
    cli: RELEASE_TOOLS.release,
    main: release("release"),
    entry: npmScript("release"),
    misspelt: ["--canry", "--canary"],
    badValue: [["--env", "dev", "--release-id", "r1", "--canary", "150"], "--canary"],
    callsAws: ["--env", "dev", "--release-id", "r1"],
  },
  {
    name: "npm run rollback",
    cli: RELEASE_TOOLS.rollback,
    main: release("rollback"),
    entry: npmScript("rollback"),
    misspelt: ["--dryrun", "--dry-run"],
    badValue: [["--env", "dev", "--to", "../x"], "--to"],
    callsAws: ["--env", "dev"],
  },
  {
    name: "npm run releases",
    cli: RELEASE_TOOLS.list,
    main: release("list"),
    entry: npmScript("releases"),
    misspelt: ["--limt", "--limit"],
    badValue: [["--env", "dev", "--limit", "0"], "--limit"],
    callsAws: ["--env", "dev"],
  },
  {
    name: "npm run prune",
    cli: RELEASE_TOOLS.prune,
    main: release("prune"),
    entry: npmScript("prune"),
    misspelt: ["--keeep", "--keep"],
    badValue: [["--env", "dev", "--keep", "none", "--min-age-days", "3"], "--keep"],
    callsAws: ["--env", "dev", "--keep", "3", "--min-age-days", "30"],
  },
  {
    name: "npm run doctor",
    cli: DOCTOR_CLI,
    main: doctor,
    entry: npmScript("doctor"),
    misspelt: ["--jsno", "--json"],
    badValue: [["--env", "dev", "--dns-server", "nowhere"], "--dns-server"],
    callsAws: ["--env", "dev"],
  },
  {
    name: "npm run plan-review",
    cli: PLAN_REVIEW_CLI,
    main: (argv) => planReview(argv, { stdout: (text) => process.stdout.write(text), stderr: (line) => process.stderr.write(`${line}\n`), env: process.env }),
    entry: npmScript("plan-review"),
    misspelt: ["--allow-destory", "--allow-destroy"],
    badValue: [["--dir", "cdktf.out", "--format", "html"], "--format"],
  },
  {
    name: "npm run policy",
    cli: POLICY_CLI,
    main: policy,
    entry: npmScript("policy"),
    misspelt: ["--dirs", "--dir"],
  },
  {
    name: "npm run notify",
    cli: NOTIFY_CLI,
    main: (argv) => notify(argv, {}),
    entry: npmScript("notify"),
    misspelt: ["--optinal", "--optional"],
    badValue: [["--status", "failure", "--env", "dev", "--max-attempts", "0"], "--max-attempts"],
  },
  {
    name: "npm run e2e:local",
    cli: E2E_LOCAL_CLI,
    main: e2eLocal,
    entry: npmScript("e2e:local"),
    misspelt: ["--serv", "--serve"],
    badValue: [["--trace", "sometimes"], "--trace"],
  },
  {
    name: "npm run environments",
    cli: ENVIRONMENTS_CLI,
    main: environments,
    entry: npmScript("environments"),
    misspelt: ["--jsno", "--json"],
    badValue: [["--env", "no-such-env-x9"], "--env"],
  },
  {
    name: "npm run app",
    cli: APP_CLI,
    main: app,
    entry: npmScript("app"),
    misspelt: ["--bild", "--build"],
  },
  {
    name: "npm run rehearse",
    cli: REHEARSE_CLI,
    main: rehearse,
    entry: npmScript("rehearse"),
    misspelt: ["--faults", "--fault"],
    badValue: [["--fault", "slow-network"], "--fault"],
  },
  {
    name: "npm run demo",
    cli: DEMO_CLI,
    main: demo,
    entry: npmScript("demo"),
    misspelt: ["--jsno", "--json"],
  },
  {
    name: "npx tsx .github/scripts/failed-step.ts",
    cli: FAILED_STEP_CLI,
    main: (argv) => failedStep(argv, {}),
    entry: ["--import", "tsx", ".github/scripts/failed-step.ts"],
    misspelt: ["--jobs", "--job"],
    badValue: [["--job", "some"], "--job"],
  },
  ...(["release", "rollback", "releases", "deploy-notice"] as const).map(
    (command): Tool => ({
      name: `npx tsx .github/scripts/release-summary.ts ${command}`,
      cli: RELEASE_SUMMARY_TOOLS[command],
      main: summary(command),
      entry: [...SUMMARY_SCRIPT, command],
      misspelt: ["--evn", "--env"],
    }),
  ),
  {
    name: "npx tsx .github/scripts/release-summary.ts check-pin",
    cli: RELEASE_SUMMARY_TOOLS["check-pin"],
    main: summary("check-pin"),
    entry: [...SUMMARY_SCRIPT, "check-pin"],
    misspelt: ["--unpn", "--unpin"],
    badValue: [["releases.json", "--unpin", "yes"], "--unpin"],
  },
  {
    name: "npx tsx .github/scripts/release-summary.ts check-serving",
    cli: RELEASE_SUMMARY_TOOLS["check-serving"],
    main: summary("check-serving"),
    entry: [...SUMMARY_SCRIPT, "check-serving"],
    misspelt: ["--verison", "--version"],
  },
];

/** Plain JavaScript tools that declare their flags with commander directly: entry point only. */
const SCRIPTS_ONLY = [{ name: "npm run build:example", entry: npmScript("build:example") }];

async function rejection(run: Promise<number>): Promise<UserError> {
  const error = await run.then(
    (code) => new Error(`resolved to ${code}`),
    (e: unknown) => e,
  );
  if (error instanceof UserError) return error;
  throw error;
}

const usageCode = (tool: Tool) => tool.cli.spec.usageExitCode ?? 2;

describe.each(TOOLS)("$name", (tool) => {
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

});

describe.each(TOOLS.filter((tool) => tool.badValue))("$name, given a bad value", (tool) => {
  const output = captureOutput();

  it("refuses it with its usage code before any set-up work (nothing printed)", async () => {
    const [argv, flag] = tool.badValue ?? [[], ""];
    const error = await rejection(tool.main(argv));
    expect([error.exitCode, error.message.startsWith(`${flag} must `), output.stdout, output.stderr]).toEqual([usageCode(tool), true, "", ""]);
  });
});

interface Exit {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runEntry(entry: readonly string[], argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...entry, ...argv], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout: out, stderr: err }));
  });
}

describe("the entry points", () => {
  // One per file: what the run adds to the in-process checks above is the file's own wiring
  // (runCli, its require.main guard), and each run is mostly node and tsx starting up.
  const all = [...TOOLS.map((tool) => ({ name: tool.name, entry: tool.entry, usage: tool.cli.spec.command })), ...SCRIPTS_ONLY.map((tool) => ({ ...tool, usage: `${tool.name} --` }))];
  const file = (entry: readonly string[]) => entry.find((arg) => /\.(ts|mjs)$/.test(arg));
  const entries = all.filter((tool, i) => all.findIndex((other) => file(other.entry) === file(tool.entry)) === i);
  let helps: Map<string, Exit>;
  beforeAll(async () => {
    const exits = await inBatches(entries, 4, (tool) => runEntry(tool.entry, ["-h"]));
    helps = new Map(entries.map((tool, i) => [tool.name, exits[i] as Exit]));
  }, 180_000);

  it.each(entries)("$name -h prints its usage on stdout and exits 0", ({ name, usage }) => {
    const help = helps.get(name) as Exit;
    expect([help.code, help.stdout.split("\n")[0], help.stderr]).toEqual([0, expect.stringMatching(new RegExp(`^Usage: ${escape(usage)} `)), ""]);
  });
});

/** `work` for every item, at most `size` at a time, results in order. */
async function inBatches<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(work))));
  return results;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("with no AWS credentials anywhere", () => {
  const awsTools = TOOLS.filter((tool) => tool.callsAws);
  let exits: Map<string, Exit>;
  beforeAll(async () => {
    const work = tempDir("no-credentials-");
    const empty = path.join(work, "empty");
    writeFileSync(empty, "");
    const env: NodeJS.ProcessEnv = { ...process.env, AWS_CONFIG_FILE: empty, AWS_SHARED_CREDENTIALS_FILE: empty, AWS_EC2_METADATA_DISABLED: "true" };
    for (const name of Object.keys(env)) {
      if (/^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|PROFILE|ENDPOINT_URL.*|WEB_IDENTITY_TOKEN_FILE|ROLE_ARN|CONTAINER_.*)$/.test(name)) delete env[name];
    }
    const dir = path.join(work, "client");
    mkdirSync(path.join(dir, "assets"), { recursive: true });
    writeFileSync(path.join(dir, "assets", "main.abcdef12.js"), "console.log(1)");
    const results = await inBatches(awsTools, 3, (tool) => runEntry(tool.entry, (tool.callsAws ?? []).map((arg) => (arg === "<build>" ? dir : arg)), env));
    exits = new Map(awsTools.map((tool, i) => [tool.name, results[i] as Exit]));
  }, 180_000);

  it.each(awsTools.map((tool) => [tool.name]))("%s says so plainly, not as a denial, without a stack trace, and exits 1", (name) => {
    const exit = exits.get(name) as Exit;
    expect({
      code: exit.code,
      plain: /no AWS credentials found; set AWS_PROFILE/.test(exit.stderr),
      denied: /denied/i.test(exit.stderr),
      stack: exit.stderr.split("\n").filter((line) => /^\s+at /.test(line)),
    }).toEqual({ code: 1, plain: true, denied: false, stack: [] });
  });
});
