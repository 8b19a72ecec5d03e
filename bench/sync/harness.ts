/**
 * What the sync benchmarks share: timing, buckets on the local moto_server, and running the
 * two commands compared — ours exactly as a user runs it (`npm run -s sync-assets`, npm's
 * own start-up included) and `aws s3 sync` (AWS CLI v1, Python start-up included) — without
 * blocking the event loop (moto_server's request log goes to a pipe this process drains).
 */
import { spawn } from "node:child_process";
import { CreateBucketCommand, type S3Client } from "@aws-sdk/client-s3";

export interface CommandRun {
  readonly seconds: number;
  readonly stdout: string;
}

export interface BenchContext {
  readonly region: string;
  readonly endpoint: string;
  note(line: string): void;
  timed<T>(run: () => Promise<T>): Promise<{ seconds: number; value: T }>;
  newBucket(label: string): Promise<string>;
  /** `npm run -s sync-assets -- --env dev --dir <dir> --bucket <bucket> --release <id> --json`. */
  ourCommand(dir: string, bucket: string, releaseId: string): Promise<CommandRun>;
  /** `aws s3 sync <dir> s3://<bucket>/ --endpoint-url <moto>`; `quiet: false` keeps its per-file lines. */
  awsSync(dir: string, bucket: string, options?: { readonly quiet?: boolean }): Promise<CommandRun>;
}

export const seconds = (ms: number) => Math.round(ms) / 1000;

export function benchContext(options: { readonly root: string; readonly region: string; readonly endpoint: string; readonly s3: S3Client }): BenchContext {
  let bucketCounter = 0;
  const note = (line: string) => void process.stderr.write(`${line}\n`);

  function run(command: string, args: readonly string[]): Promise<CommandRun> {
    return new Promise((resolve, reject) => {
      const start = performance.now();
      const child = spawn(command, args, { cwd: options.root, env: process.env, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
      child.on("error", reject);
      child.on("close", (code) => {
        const elapsed = seconds(performance.now() - start);
        if (code === 0) resolve({ seconds: elapsed, stdout });
        else reject(new Error(`${command} ${args.slice(0, 4).join(" ")} … exited ${code}: ${stderr}`));
      });
    });
  }

  return {
    region: options.region,
    endpoint: options.endpoint,
    note,
    async timed(work) {
      const start = performance.now();
      const value = await work();
      return { seconds: seconds(performance.now() - start), value };
    },
    async newBucket(label) {
      bucketCounter += 1;
      const bucket = `bench-${label}-${bucketCounter}`;
      await options.s3.send(new CreateBucketCommand({ Bucket: bucket }));
      return bucket;
    },
    ourCommand(dir, bucket, releaseId) {
      return run("npm", ["run", "-s", "sync-assets", "--", "--env", "dev", "--dir", dir, "--bucket", bucket, "--release", releaseId, "--json"]);
    },
    awsSync(dir, bucket, { quiet = true } = {}) {
      const args = ["s3", "sync", dir, `s3://${bucket}/`, "--endpoint-url", options.endpoint, "--no-progress"];
      return run("aws", quiet ? [...args, "--only-show-errors"] : args);
    },
  };
}
