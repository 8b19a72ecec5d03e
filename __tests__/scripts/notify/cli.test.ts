/**
 * `npm run notify` as CI runs it: the CLI in child processes (started together, so the
 * suite waits for the slowest only), posting over real HTTP to local stand-ins for Slack.
 * The webhook URL carries a secret-looking token that must never reach stdout or stderr.
 * Argument and configuration errors, which post nothing, run in-process.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { UserError } from "../../../lib/errors";
import { main } from "../../../scripts/notify/cli";
import {
  SECRET_TOKEN,
  startWebhookServer,
  unreachableUrl,
  WEBHOOK_PATH,
  type RecordedRequest,
  type ScriptedResponse,
  type WebhookServer,
} from "./webhook-server";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const CLI = path.join(ROOT, "scripts", "notify", "cli.ts");

const GITHUB = {
  GITHUB_SERVER_URL: "https://github.com",
  GITHUB_REPOSITORY: "acme/web",
  GITHUB_RUN_ID: "4242",
  GITHUB_SHA: "feedfacecafebeef0000000000000000deadbeef",
  GITHUB_ACTOR: "octocat",
  GITHUB_WORKFLOW: "deploy",
  GITHUB_JOB: "deploy-staging",
};

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI without blocking the event loop (the local server must keep answering). */
function notify(args: readonly string[], variables: Record<string, string | undefined>): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1" };
  for (const key of Object.keys(env)) if (key.startsWith("GITHUB_") || key === "SLACK_WEBHOOK_URL") delete env[key];
  Object.assign(env, variables);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--require", "tsx/cjs", CLI, ...args], { cwd: ROOT, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs the CLI against a local Slack answering with `script`; returns the run and what Slack received. */
async function notifySlack(script: readonly ScriptedResponse[], args: readonly string[], variables: Record<string, string> = GITHUB) {
  const server: WebhookServer = await startWebhookServer(script);
  try {
    const run = await notify(args, { ...variables, SLACK_WEBHOOK_URL: `${server.origin}${WEBHOOK_PATH}` });
    return { run, requests: [...server.requests] };
  } finally {
    await server.close();
  }
}

type Posted = { text: string; blocks: Record<string, any>[] }; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("npm run notify (child process, real HTTP)", () => {
  let accepted: { run: Run; requests: RecordedRequest[] };
  let rateLimited: { run: Run; requests: RecordedRequest[] };
  let failing: { run: Run; requests: RecordedRequest[] };
  let unreachable: Run;

  beforeAll(async () => {
    [accepted, rateLimited, failing, unreachable] = await Promise.all([
      notifySlack([{ status: 200 }], ["--status", "failure", "--env", "staging", "--step", "cdktf deploy", "--json"]),
      notifySlack([{ status: 429, headers: { "retry-after": "1" }, body: "rate_limited" }, { status: 200 }], ["--status", "success", "--env", "dev"]),
      // The error body quotes the path, as a misbehaving proxy might.
      notifySlack(
        [{ status: 503, headers: { "retry-after": "0" }, body: `upstream error for ${WEBHOOK_PATH}` }],
        ["--status", "rollback", "--env", "prod", "--max-attempts", "3"],
      ),
      unreachableUrl().then((url) => notify(["--status", "failure", "--env", "dev", "--max-attempts", "2", "--json"], { SLACK_WEBHOOK_URL: url })),
    ]);
  });

  describe("when Slack accepts the notice", () => {
    const posted = (): Posted => JSON.parse(accepted.requests[0].body);

    it("exits 0", () => {
      expect(accepted.run.code).toBe(0);
    });

    it("posts once, to the webhook's path", () => {
      expect(accepted.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST ${WEBHOOK_PATH}`]);
    });

    it("says which environment failed", () => {
      expect(posted().text).toContain("acme-web staging: deployment failed");
    });

    it("links the button to the CI run", () => {
      const button = posted().blocks.find((b) => b.type === "actions")?.elements[0];
      expect(button.url).toBe("https://github.com/acme/web/actions/runs/4242");
    });

    it("names the failed step, commit and author", () => {
      const fields = posted().blocks.find((b) => b.fields)?.fields.map((f: { text: string }) => f.text);
      expect(fields).toEqual(
        expect.arrayContaining([
          "*Failed step*\ncdktf deploy",
          "*Commit*\n<https://github.com/acme/web/commit/feedfacecafebeef0000000000000000deadbeef|feedfac>",
          "*Author*\noctocat",
        ]),
      );
    });

    it("prints the result as JSON on stdout", () => {
      expect(JSON.parse(accepted.run.stdout)).toEqual({ status: "failure", env: "staging", delivered: true, attempts: 1 });
    });
  });

  it("retries after a 429, honouring Retry-After, and succeeds", () => {
    expect({ code: rateLimited.run.code, requests: rateLimited.requests.length }).toEqual({ code: 0, requests: 2 });
  });

  describe("when Slack keeps failing", () => {
    it("exits 1 after the maximum number of attempts", () => {
      expect({ code: failing.run.code, attempts: failing.requests.length }).toEqual({ code: 1, attempts: 3 });
    });

    it("says why on stderr", () => {
      expect(failing.run.stderr).toContain("could not post the rollback notice for prod to Slack: Slack answered HTTP 503");
    });

    it("never prints the webhook URL, even when the error quotes it", () => {
      expect(failing.run.stdout + failing.run.stderr).not.toContain(SECRET_TOKEN);
    });
  });

  describe("when Slack cannot be reached", () => {
    it("exits 1", () => {
      expect(unreachable.code).toBe(1);
    });

    it("never prints the webhook URL", () => {
      expect(unreachable.stdout + unreachable.stderr).not.toContain(SECRET_TOKEN);
    });
  });
});

describe("notify without a usable webhook (in-process)", () => {
  let stderr: string;
  let stdout: string;
  beforeEach(() => {
    stderr = "";
    stdout = "";
    jest.spyOn(process.stderr, "write").mockImplementation((chunk) => ((stderr += String(chunk)), true));
    jest.spyOn(process.stdout, "write").mockImplementation((chunk) => ((stdout += String(chunk)), true));
  });
  afterEach(() => jest.restoreAllMocks());

  /** The exit code runCli would use: main's result, or a UserError's code. */
  const exitCode = (argv: readonly string[], variables: NodeJS.ProcessEnv = {}) =>
    main(argv, variables).catch((error: unknown) => {
      if (error instanceof UserError) {
        stderr += error.message;
        return error.exitCode;
      }
      throw error;
    });

  it("fails with exit 1 when SLACK_WEBHOOK_URL is missing", async () => {
    expect(await exitCode(["--status", "failure", "--env", "dev"])).toBe(1);
  });

  it("says how to fix a missing SLACK_WEBHOOK_URL", async () => {
    await exitCode(["--status", "failure", "--env", "dev"]);
    expect(stderr).toContain("SLACK_WEBHOOK_URL is not set: store the Slack incoming-webhook URL as a CI secret");
  });

  it("exits 0 without SLACK_WEBHOOK_URL when --optional", async () => {
    expect(await exitCode(["--status", "failure", "--env", "dev", "--optional"])).toBe(0);
  });

  it("warns that it skipped the notice when --optional", async () => {
    await exitCode(["--status", "failure", "--env", "dev", "--optional"]);
    expect(stderr).toMatch(/^warning: SLACK_WEBHOOK_URL is not set; skipping the failure notice for dev/);
  });

  it("reports the skip in --json output", async () => {
    await exitCode(["--status", "success", "--env", "dev", "--optional", "--json"]);
    expect(JSON.parse(stdout)).toEqual({ status: "success", env: "dev", delivered: false, skipped: "SLACK_WEBHOOK_URL is not set" });
  });

  it("refuses a plain-http webhook off loopback with exit 1", async () => {
    expect(await exitCode(["--status", "failure", "--env", "dev"], { SLACK_WEBHOOK_URL: `http://hooks.example.test${WEBHOOK_PATH}` })).toBe(1);
  });

  it("does not echo a refused webhook URL", async () => {
    await exitCode(["--status", "failure", "--env", "dev"], { SLACK_WEBHOOK_URL: `http://hooks.example.test${WEBHOOK_PATH}` });
    expect(stderr).not.toContain(SECRET_TOKEN);
  });

  it("rejects an unknown status as a usage error", async () => {
    expect(await exitCode(["--status", "exploded", "--env", "dev", "--optional"])).toBe(2);
  });

  it("requires --env", async () => {
    expect(await exitCode(["--status", "failure", "--optional"])).toBe(2);
  });
});
