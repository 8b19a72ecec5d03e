import { CreateBucketCommand, ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import path from "node:path";
import { UserError } from "../../../lib/errors";
import { findMotoLauncher, startMotoServer } from "../../../scripts/local-aws/moto-server";
import { tempDir } from "../../support/temp-dir";

describe("local AWS emulator harness", () => {
  it("points SDK clients at moto through AWS_ENDPOINT_URL", async () => {
    expect(process.env.AWS_ENDPOINT_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const s3 = new S3Client({ forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: "harness-smoke" }));
    const { Buckets } = await s3.send(new ListBucketsCommand({}));
    expect(Buckets?.map((b) => b.Name)).toContain("harness-smoke");
  });

  it("starts a second server on its own port and stops it", async () => {
    const server = await startMotoServer();
    expect(server.endpoint).not.toBe(process.env.AWS_ENDPOINT_URL);
    await server.stop();
    await expect(fetch(`${server.endpoint}/moto-api/data.json`)).rejects.toThrow();
  });
});

describe("a machine where moto cannot be found or installed", () => {
  let thrown: unknown;
  beforeAll(() => {
    // No moto_server, no python3 on PATH, and no virtualenv yet.
    const work = tempDir("no-moto-");
    const stderr = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      findMotoLauncher({ venvDir: path.join(work, ".venv"), env: { PATH: work } });
    } catch (error) {
      thrown = error;
    } finally {
      stderr.mockRestore();
    }
  });

  it("is told what to install, as a user error (no stack trace)", () => {
    expect(thrown).toEqual(expect.any(UserError));
  });

  it("is told to install Python 3 and moto[server]", () => {
    expect((thrown as Error).message).toMatch(/^cannot start the local AWS emulator: .*Install Python 3 and then: pip install "moto\[server\]"$/);
  });
});
