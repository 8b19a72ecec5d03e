/**
 * Ctrl-C (SIGINT) or SIGTERM while a multipart upload is in flight, sent as a real signal to
 * the command: the upload is aborted (AbortMultipartUpload), the command says "interrupted"
 * with what was and was not uploaded, writes no manifest, releases its lease and exits 1.
 *
 * Deterministic: a proxy holds every UploadPart request, so the big file is always part way
 * when the signal arrives; the signal is sent when the first part reaches the proxy.
 */
import { randomBytes } from "node:crypto";
import { ListMultipartUploadsCommand, type S3Client } from "@aws-sdk/client-s3";
import { PASS, startFaultProxy, type FaultProxy } from "../../support/fault-proxy";
import {
  createBucket,
  directClient,
  listKeys,
  makeBuildDir,
  motoEndpoint,
  requestKey,
  startCommand,
  type CommandResult,
} from "./helpers";

const VIDEO = "assets/video.a1b2c3d4.mp4";
/** Above the CLI's 16 MiB multipart threshold: three 8 MiB parts. */
const VIDEO_BYTES = 17 * 1024 * 1024;

let s3: S3Client;
let dir: string;
beforeAll(async () => {
  s3 = directClient();
  dir = await makeBuildDir({
    [VIDEO]: randomBytes(VIDEO_BYTES),
    "assets/app.6EFCQAEZ.js": "console.log('app');\n",
    "index.html": "<!doctype html><title>app</title>\n",
  });
});
afterAll(() => s3.destroy());

describe.each(["SIGINT", "SIGTERM"] as const)("%s during a multipart upload", (signal) => {
  let proxy: FaultProxy;
  let bucket: string;
  let result: CommandResult;
  let releaseHeldParts: () => void = () => undefined;

  beforeAll(async () => {
    bucket = await createBucket(s3, `interrupt-${signal}`);
    const held = new Promise<void>((resolve) => (releaseHeldParts = resolve));
    let interrupt = () => undefined as void;
    proxy = await startFaultProxy(motoEndpoint(), async (request) => {
      if (request.url.includes("partNumber=") && requestKey(request, bucket) === VIDEO) {
        interrupt();
        await held;
      }
      return PASS;
    });
    const command = startCommand(["--env", "dev", "--dir", dir, "--release", "r1", "--bucket", bucket], {
      AWS_ENDPOINT_URL: proxy.endpoint,
    });
    interrupt = () => {
      interrupt = () => undefined;
      command.child.kill(signal);
    };
    result = await command.done;
  });
  afterAll(async () => {
    releaseHeldParts();
    await proxy.close();
  });

  it("exits 1", () => {
    expect(result.code).toBe(1);
  });

  it("says it was interrupted and what it uploaded", () => {
    expect(result.stderr).toMatch(/^interrupted: uploaded 1 of 3 file\(s\) to upload/m);
  });

  it("names every file it did not upload", () => {
    const notUploaded = result.stderr.slice(result.stderr.indexOf("not uploaded (2):")).split("\n").slice(1, 3);
    expect(notUploaded.map((line) => line.trim()).sort()).toEqual(["assets/video.a1b2c3d4.mp4", "index.html"]);
  });

  it("says it aborted the multipart upload", () => {
    expect(result.stderr).toContain(`aborted the multipart upload of ${VIDEO} (AbortMultipartUpload`);
  });

  it("sent AbortMultipartUpload", () => {
    const aborts = proxy.log.filter((e) => e.request.method === "DELETE" && e.request.url.includes("uploadId="));
    expect(aborts.map((e) => requestKey(e.request, bucket))).toEqual([VIDEO]);
  });

  it("leaves no multipart upload in progress", async () => {
    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    expect(uploads.Uploads ?? []).toEqual([]);
  });

  it("writes no manifest and releases its lease", async () => {
    expect(await listKeys(s3, bucket, "_releases/")).toEqual([]);
  });

  it("prints no stack trace", () => {
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});
