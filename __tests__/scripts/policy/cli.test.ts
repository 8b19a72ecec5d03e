import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { App } from "cdktf";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { awsStack } from "./support";
import { tempDir } from "../../support/temp-dir";

const ROOT = path.resolve(__dirname, "../../..");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");

function policy(...args: string[]) {
  const run = spawnSync(TSX, ["scripts/policy/cli.ts", ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

// Two subprocess runs (tsx start-up is most of their cost); the rest of the CLI path is
// tested in-process in workspace.test.ts and engine.test.ts.
describe("npm run policy", () => {
  it("exits 2 on an unknown flag", () => {
    expect(policy("--strict").code).toBe(2);
  });

  it("exits 1 on an error-level violation and reports it as JSON on stdout", () => {
    const dir = tempDir("policy-cli-");
    const app = new App({ outdir: dir, stackTraces: false });
    new S3Bucket(awsStack(app, "dev-app"), "Bucket", { bucket: "open-bucket" });
    app.synth();
    const run = policy("--dir", dir, "--json");
    fs.rmSync(dir, { recursive: true, force: true });
    const report = JSON.parse(run.stdout);
    expect([run.code, report.ok, report.violations[0].rule, report.violations[0].stack]).toEqual([1, false, "S3-1", "dev-app"]);
  });
});
