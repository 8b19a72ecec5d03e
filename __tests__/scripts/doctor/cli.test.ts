/**
 * npm run doctor as users run it, against a moto_server acting as dev's account
 * (MOTO_ACCOUNT_ID=111111111111): an empty account, then the bootstrap's bucket.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { CreateBucketCommand, DeleteObjectCommand, PutBucketEncryptionCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateHostedZoneCommand, Route53Client } from "@aws-sdk/client-route-53";
import { startMotoServer, type MotoServer } from "../../../scripts/local-aws/moto-server";
import { tempDir } from "../../support/temp-dir";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const STATE_BUCKET = "acme-web-tfstate-111111111111";
let server: MotoServer;
let credentials: Record<string, string>;

interface Report {
  env: string;
  checks: { name: string; status: string; detail: string }[];
}

function doctor(...args: string[]) {
  const result = spawnSync("node", ["--import", "tsx", "scripts/doctor/cli.ts", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    // A DNS server nobody answers on: the public-delegation check is skipped, never flaky.
    env: { ...process.env, ...credentials, AWS_MAX_ATTEMPTS: "2" },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const noStacks = tempDir("doctor-no-cdktf-out-");
const json = (...args: string[]) => {
  const run = doctor(...args, "--json", "--dns-server", "127.0.0.1:9", "--cdktf-out", noStacks);
  return { ...run, report: JSON.parse(run.stdout) as Report };
};
const check = (report: Report, name: string) => report.checks.find((c) => c.name === name)!;

beforeAll(async () => {
  server = await startMotoServer({ accountId: "111111111111" });
  credentials = { AWS_ENDPOINT_URL: server.endpoint, AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing", AWS_REGION: "eu-west-1" };
});

afterAll(async () => {
  await server?.stop();
});

describe("npm run doctor in an empty account", () => {
  let run: ReturnType<typeof json>;
  beforeAll(() => {
    run = json("--env", "dev");
  });

  it("confirms the credentials are for dev's account", () => {
    expect(check(run.report, "account").status).toBe("ok");
  });

  it("fails the state-bucket check, naming the bucket", () => {
    expect(check(run.report, "state-bucket")).toMatchObject({ status: "fail", detail: expect.stringContaining(`state bucket ${STATE_BUCKET} does not exist`) });
  });

  it("exits 1", () => {
    expect(run.status).toBe(1);
  });

  it("prints {env, checks: [{name, status, detail}]} and nothing more", () => {
    expect({ keys: Object.keys(run.report), env: run.report.env, checkKeys: [...new Set(run.report.checks.map((c) => Object.keys(c).join(",")))] }).toEqual({
      keys: ["env", "checks"],
      env: "dev",
      checkKeys: ["name,status,detail"],
    });
  });

  it("uses only the statuses ok, fail, warn and skip", () => {
    expect(run.report.checks.filter((c) => !["ok", "fail", "warn", "skip"].includes(c.status))).toEqual([]);
  });

  it("writes the human report to stderr", () => {
    expect(run.stderr).toMatch(/ {2}FAIL {2}state-bucket /);
  });
});

describe("npm run doctor after the bootstrap created the state bucket", () => {
  let run: ReturnType<typeof json>;
  beforeAll(async () => {
    // What bootstrap/ creates: the bucket in state.region, versioned, encrypted by default.
    const s3 = new S3Client({ region: "eu-west-1", endpoint: server.endpoint, forcePathStyle: true, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
    await s3.send(new CreateBucketCommand({ Bucket: STATE_BUCKET, CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: STATE_BUCKET, VersioningConfiguration: { Status: "Enabled" } }));
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: STATE_BUCKET,
        ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" }, BucketKeyEnabled: true }] },
      }),
    );
    const route53 = new Route53Client({ region: "us-east-1", endpoint: server.endpoint, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
    await route53.send(new CreateHostedZoneCommand({ Name: "dev.example.com", CallerReference: "doctor-test" }));
    run = json("--env", "dev");
  });

  it("passes the state-bucket check", () => {
    expect(check(run.report, "state-bucket")).toMatchObject({ status: "ok", detail: expect.stringContaining(STATE_BUCKET) });
  });

  it("finds the hosted zone and names it", () => {
    expect(check(run.report, "hosted-zone")).toMatchObject({ status: "ok", detail: expect.stringMatching(/^public hosted zone dev\.example\.com exists \(\w+, name servers ns-/) });
  });

  it("skips the public delegation when DNS cannot be asked", () => {
    expect(check(run.report, "public-delegation").status).toBe("skip");
  });

  it("skips the Slack check when the Chatbot API cannot be reached", () => {
    expect(check(run.report, "slack").status).toBe("skip");
  });

  it("finds no state lock", () => {
    expect(check(run.report, "state-lock").status).toBe("ok");
  });

  describe("when a stopped deploy left the app stack's state lock behind", () => {
    let locked: ReturnType<typeof json>;
    beforeAll(async () => {
      const s3 = new S3Client({ region: "eu-west-1", endpoint: server.endpoint, forcePathStyle: true, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
      // What Terraform writes with use_lockfile: its lock info as JSON next to the state.
      const Key = "acme-web/dev/app.tfstate.tflock";
      const info = { ID: "5a1f0c3e-2b7d-4c1e-9f00-1234567890ab", Operation: "OperationTypeApply", Who: "runner@fv-az1", Created: "2026-12-06T08:00:00Z" };
      await s3.send(new PutObjectCommand({ Bucket: STATE_BUCKET, Key, Body: JSON.stringify(info) }));
      locked = json("--env", "dev");
      await s3.send(new DeleteObjectCommand({ Bucket: STATE_BUCKET, Key }));
    });

    it("fails the state-lock check with the command that clears it", () => {
      expect(check(locked.report, "state-lock")).toMatchObject({
        status: "fail",
        detail: expect.stringContaining(
          "s3://acme-web-tfstate-111111111111/acme-web/dev/app.tfstate.tflock (OperationTypeApply by runner@fv-az1 since 2026-12-06T08:00:00Z): once no Terraform run is active, " +
            "terraform -chdir=cdktf.out/stacks/dev-app init && terraform -chdir=cdktf.out/stacks/dev-app force-unlock 5a1f0c3e-2b7d-4c1e-9f00-1234567890ab",
        ),
      });
    });

    it("exits 1, so the deploy stops before sync-assets", () => {
      expect(locked.status).toBe(1);
    });
  });
});

describe("npm run doctor with credentials of another account", () => {
  it("fails the account check and skips what would read the wrong account", () => {
    const { report } = json("--env", "staging");
    expect([check(report, "account").status, check(report, "state-bucket").status]).toEqual(["fail", "skip"]);
  });
});

describe("npm run doctor usage", () => {
  it("exits 2 for an unknown environment", () => {
    expect(doctor("--env", "nope").status).toBe(2);
  });

  it("exits 2 without --env", () => {
    expect(doctor().status).toBe(2);
  });

  it("exits 2 for a --dns-server that is not an address", () => {
    expect(doctor("--env", "dev", "--dns-server", "dns.example").status).toBe(2);
  });

  it("prints its help with every flag and exits 0", () => {
    const help = doctor("--help");
    expect([help.status, ["--env", "--json", "--cdktf-out", "--dns-server"].every((flag) => help.stdout.includes(flag))]).toEqual([0, true]);
  });
});
