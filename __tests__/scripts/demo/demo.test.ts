/**
 * `npm run demo` end to end, as a subprocess, against the test run's moto_server (given
 * through AWS_ENDPOINT_URL, so the demo uses it and suffixes its resource names).
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { GetAliasCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";

const ROOT = path.resolve(__dirname, "../../..");

interface DemoSummary {
  ok: boolean;
  bucket: string;
  functionName: string;
  steps: { name: string; ms: number }[];
}

function runDemo(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [require.resolve("tsx/cli"), "scripts/demo/cli.ts", "--json"], {
      cwd: ROOT,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("npm run demo", () => {
  it("syncs, publishes, releases twice, rolls back and lists, leaving build 1 live", async () => {
    const { code, stdout, stderr } = await runDemo();
    expect({ code, stderr: code === 0 ? "" : stderr }).toEqual({ code: 0, stderr: "" });
    const summary = JSON.parse(stdout) as DemoSummary;
    expect(summary.steps.map((s) => s.name.split(/[ :(]/)[0])).toEqual([
      "use", "deploy", "sync-assets", "release", "sync-assets", "publish", "release", "rollback", "list",
    ]);

    const region = "eu-west-1";
    const alias = await new LambdaClient({ region }).send(new GetAliasCommand({ FunctionName: summary.functionName, Name: "live" }));
    expect(alias.FunctionVersion).toBe("1");
    const ledger = await new S3Client({ region, forcePathStyle: true }).send(
      new ListObjectsV2Command({ Bucket: summary.bucket, Prefix: "_releases/dev/ledger/" }),
    );
    expect(ledger.Contents?.map((o) => o.Key?.split("/").pop()?.split(".").slice(1, 4).join("."))).toEqual([
      "rollback.1.demo-1",
      "release.2.demo-2",
      "release.1.demo-1",
    ]);
  });
});
