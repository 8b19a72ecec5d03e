import { CreateBucketCommand, ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import { startMotoServer } from "../../../scripts/local-aws/moto-server";

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
