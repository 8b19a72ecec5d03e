/**
 * The CLI: bad inputs give one clear line and the right exit code; --json prints one object.
 * Most cases call `main` in-process (a UserError carries the exit code runCli uses); a few
 * run the real command as a child process to check exit codes, stderr and a kill mid-run.
 */
import { environmentNames } from "../../../environments";
import { execFileSync } from "node:child_process";
import { realpath, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { UserError } from "../../../lib/errors";
import { main, resolveReleaseId } from "../../../scripts/sync-assets/cli";
import { DEFAULT_LEASE_SECONDS } from "../../../scripts/sync-assets/lock";
import { syncAssets, type SyncOutcome } from "../../../scripts/sync-assets/sync";
import { PASS, startFaultProxy, type FaultProxy } from "../../support/fault-proxy";
import {
  createBucket,
  directClient,
  getBody,
  isObjectPut,
  listKeys,
  makeBuildDir,
  manyFiles,
  motoEndpoint,
  requestKey,
  s3Error,
  sampleBuild,
  startCommand,
  storeFor,
  syncRequest,
  type CommandResult,
} from "./helpers";
import { tempDir } from "../../support/temp-dir";

const PROJECT_ROOT = path.resolve(__dirname, "../../..");

let s3: S3Client;
let buildDir: string;
let stdout: jest.SpyInstance;
let stderr: jest.SpyInstance;

beforeAll(async () => {
  s3 = directClient();
  buildDir = await makeBuildDir(sampleBuild());
});
afterAll(() => s3.destroy());
beforeEach(() => {
  stdout = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
  stderr = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
});
afterEach(() => {
  stdout.mockRestore();
  stderr.mockRestore();
});

/** The UserError `main` throws for these arguments (fails the test if it returns instead). */
async function userError(argv: string[]): Promise<UserError> {
  try {
    await main(argv);
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error(`main(${argv.join(" ")}) did not fail`);
}

/** Runs `main` with AWS_ENDPOINT_URL pointing at `endpoint`. */
async function withEndpoint<T>(endpoint: string, run: () => Promise<T>): Promise<T> {
  const saved = process.env.AWS_ENDPOINT_URL;
  process.env.AWS_ENDPOINT_URL = endpoint;
  try {
    return await run();
  } finally {
    process.env.AWS_ENDPOINT_URL = saved;
  }
}

describe("usage errors (exit 2)", () => {
  it("without --dir, names the app build folder when it holds no recognised build", async () => {
    const saved = process.env.APP_DIR;
    process.env.APP_DIR = buildDir;
    try {
      expect(await userError(["--env", "dev", "--release", "r1"])).toMatchObject({ exitCode: 1, message: expect.stringMatching(/\(from APP_DIR=.*\) is not a recognised app build: looked for /) });
    } finally {
      if (saved === undefined) delete process.env.APP_DIR;
      else process.env.APP_DIR = saved;
    }
  });

  it("names an unknown environment and the known ones", async () => {
    expect(await userError(["--env", "no-such-env-x9", "--dir", buildDir, "--release", "r1"])).toMatchObject({
      exitCode: 2,
      message: expect.stringContaining(`--env must name a known environment: ${environmentNames().join(", ")} (got "no-such-env-x9")`),
    });
  });

  it("rejects a release id that cannot be an S3 key segment", async () => {
    expect(await userError(["--env", "dev", "--dir", buildDir, "--release", "../x"])).toMatchObject({
      exitCode: 2,
      message: /--release must be .* \(got "\.\.\/x"\)/,
    });
  });

  it("rejects a concurrency of zero", async () => {
    expect(await userError(["--env", "dev", "--dir", buildDir, "--concurrency", "0"])).toMatchObject({ exitCode: 2 });
  });

  it("rejects a prefix inside _releases/", async () => {
    expect(await userError(["--env", "dev", "--dir", buildDir, "--prefix", "_releases/x"])).toMatchObject({
      exitCode: 2,
      message: /--prefix must not be inside _releases\//,
    });
  });
});

describe("the release id", () => {
  it("defaults to the git commit", () => {
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: PROJECT_ROOT, encoding: "utf8" }).trim();
    expect(resolveReleaseId(undefined, PROJECT_ROOT, {})).toBe(head);
  });

  it("prefers the CI system's commit variable to the checkout", () => {
    expect(resolveReleaseId(undefined, PROJECT_ROOT, { GITHUB_SHA: "abc123" })).toBe("abc123");
  });

  it("asks for --release outside a git repository", async () => {
    const notRepo = tempDir("not-a-repo-");
    expect(() => resolveReleaseId(undefined, notRepo, {})).toThrow(/pass --release <id>/);
  });
});

describe("failures (exit 1)", () => {
  it("names a --dir that does not exist", async () => {
    expect(await userError(["--env", "dev", "--dir", "/nonexistent/build", "--release", "r1"])).toMatchObject({
      exitCode: 1,
      message: /^--dir: directory not found: \/nonexistent\/build/,
    });
  });

  it("refuses an empty --dir", async () => {
    const empty = tempDir("empty-build-");
    expect(await userError(["--env", "dev", "--dir", empty, "--release", "r1"])).toMatchObject({
      exitCode: 1,
      message: /^--dir: no files to upload in /,
    });
  });

  it("names a bucket that does not exist and how to create it", async () => {
    const error = await userError(["--env", "dev", "--dir", buildDir, "--release", "r1", "--bucket", "no-such-bucket-xyz"]);
    expect(error).toMatchObject({
      exitCode: 1,
      message: /^bucket no-such-bucket-xyz does not exist \(NoSuchBucket, endpoint .*\); deploy the dev-distribution stack/,
    });
  });

  describe("with credentials the server refuses", () => {
    let proxy: FaultProxy;
    beforeAll(async () => {
      proxy = await startFaultProxy(motoEndpoint());
    });
    afterAll(() => proxy.close());

    it.each([
      ["AccessDenied", /^access denied while taking the sync lease in s3:\/\/\S+ \(AccessDenied\); the credentials in use need s3:ListBucket/],
      ["InvalidAccessKeyId", /^AWS does not know the access key id in use \(InvalidAccessKeyId.*check AWS_ACCESS_KEY_ID/],
      ["SignatureDoesNotMatch", /^AWS rejected the request signature \(SignatureDoesNotMatch.*check AWS_SECRET_ACCESS_KEY/],
    ])("explains %s on one line", async (code, message) => {
      proxy.setDecider(() => s3Error(403, code));
      const bucket = await createBucket(s3, `denied-${code}`);
      const error = await withEndpoint(proxy.endpoint, () =>
        userError(["--env", "dev", "--dir", buildDir, "--release", "r1", "--bucket", bucket]),
      );
      expect({ exitCode: error.exitCode, message: error.message, lines: error.message.split("\n").length }).toEqual({
        exitCode: 1,
        message: expect.stringMatching(message),
        lines: 1,
      });
    });
  });
});

describe("symlinks pointing outside --dir", () => {
  let dir: string;
  let secret: string;
  beforeAll(async () => {
    const outside = tempDir("sync-outside-");
    secret = path.join(outside, "secret.txt");
    await writeFile(secret, "not for the bucket\n");
    dir = await makeBuildDir({ "index.html": "<p>x</p>\n" });
    await symlink(secret, path.join(dir, "robots.txt"));
  });

  it("are refused by default: exit 1, each named with its target, nothing uploaded", async () => {
    const bucket = await createBucket(s3, "symlink-refused");
    const code = await main(["--env", "dev", "--dir", dir, "--release", "r1", "--bucket", bucket]);
    const printed = stderr.mock.calls.map((call) => String(call[0])).join("");
    expect({ code, named: printed.includes(`robots.txt -> ${await realpath(secret)}`), keys: await listKeys(s3, bucket) }).toEqual({
      code: 1,
      named: true,
      keys: [],
    });
  });

  it("are followed with --follow-symlinks, uploading what they point at", async () => {
    const bucket = await createBucket(s3, "symlink-followed");
    const code = await main(["--env", "dev", "--dir", dir, "--release", "r1", "--bucket", bucket, "--follow-symlinks"]);
    expect({ code, robots: (await getBody(s3, bucket, "robots.txt")).toString() }).toEqual({ code: 0, robots: "not for the bucket\n" });
  });
});

describe("--json", () => {
  it("prints one JSON object with the counts on stdout", async () => {
    const bucket = await createBucket(s3, "json");
    const code = await main(["--env", "dev", "--dir", buildDir, "--release", "r1", "--bucket", bucket, "--json"]);
    const printed = stdout.mock.calls.map((call) => String(call[0])).join("");
    expect({ code, result: JSON.parse(printed) }).toMatchObject({
      code: 0,
      result: { ok: true, outcome: "synced", bucket, releaseId: "r1", files: 8, uploaded: 8, skipped: 0 },
    });
  });
});

/** Runs the real command; resolves with its exit code and stderr. */
function runCommand(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  onSpawn?: (kill: () => void) => void,
): Promise<CommandResult> {
  const { child, done } = startCommand(args, { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...env });
  onSpawn?.(() => child.kill("SIGKILL"));
  return done;
}

describe("the command", () => {
  it("exits 1 with one line naming the folder when --dir is missing and APP_DIR holds no build", async () => {
    const result = await runCommand(["--env", "dev", "--release", "r1"], { APP_DIR: buildDir });
    expect({ code: result.code, lines: result.stderr.trim().split("\n").length, firstLine: result.stderr.split("\n")[0] }).toEqual({
      code: 1,
      lines: 1,
      firstLine: expect.stringMatching(/^error: .* \(from APP_DIR=.*\) is not a recognised app build: looked for /),
    });
  });

  it("exits 1 with one error line and no stack trace for a missing bucket", async () => {
    const result = await runCommand(["--env", "dev", "--dir", buildDir, "--release", "r1", "--bucket", "absent-bucket-cli"]);
    const errorLines = result.stderr.split("\n").filter((line) => line.startsWith("error:") || /^\s+at /.test(line));
    expect({ code: result.code, errorLines }).toEqual({
      code: 1,
      errorLines: [expect.stringMatching(/^error: bucket absent-bucket-cli does not exist \(NoSuchBucket/)],
    });
  });

  describe("killed part way through", () => {
    const files = manyFiles(80);
    let proxy: FaultProxy;
    let bucket: string;
    let dir: string;
    let killed: { code: number | null; signal: NodeJS.Signals | null };
    beforeAll(async () => {
      bucket = await createBucket(s3, "killed");
      dir = await makeBuildDir(files);
      let kill = () => undefined as void;
      let puts = 0;
      proxy = await startFaultProxy(motoEndpoint(), (request) => {
        if (isObjectPut(request) && requestKey(request, bucket)) {
          puts += 1;
          if (puts === 10) kill();
          if (puts >= 10) return { kind: "reset" };
        }
        return PASS;
      });
      killed = await runCommand(
        ["--env", "dev", "--dir", dir, "--release", "r1", "--bucket", bucket, "--concurrency", "2"],
        { AWS_ENDPOINT_URL: proxy.endpoint },
        (killChild) => (kill = killChild),
      );
    });
    afterAll(() => proxy.close());

    it("was killed before it finished", () => {
      expect(killed.signal).toBe("SIGKILL");
    });

    it("left no manifest", async () => {
      expect((await listKeys(s3, bucket, "_releases/")).filter((key) => key.endsWith(".assets.json"))).toEqual([]);
    });

    it("refuses a rerun while the killed run's lease is fresh, naming its holder", async () => {
      const store = storeFor(bucket);
      const rerun = await syncAssets(store, syncRequest(dir, { releaseId: "r2" }));
      store.close();
      expect(rerun.kind === "locked" && rerun.by.holder).toMatchObject({ releaseId: "r1", tool: "sync-assets" });
    });

    it("completes on a rerun once that lease is stale, uploading exactly what was missing", async () => {
      const before = new Set(await listKeys(s3, bucket));
      const store = storeFor(bucket);
      const afterTheLease = () => new Date(Date.now() + (DEFAULT_LEASE_SECONDS + 1) * 1000);
      const rerun: SyncOutcome = await syncAssets(store, syncRequest(dir, { now: afterTheLease }));
      store.close();
      const missing = Object.keys(files).filter((key) => !before.has(key)).sort();
      expect({
        kind: rerun.kind,
        uploaded: rerun.kind === "synced" ? rerun.summary.uploads.map((u) => u.key).sort() : [],
      }).toEqual({ kind: "synced", uploaded: missing });
    });
  });
});
