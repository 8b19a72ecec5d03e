import { BucketLocationConstraint } from "@aws-sdk/client-s3";
import { AWS_REGIONS, isAwsRegion } from "../../lib/aws-regions";

describe("AWS_REGIONS", () => {
  it("are the aws partition's Regions the pinned AWS SDK knows (S3 location constraints, plus us-east-1)", () => {
    const sdk = Object.values(BucketLocationConstraint).filter((r) => /^[a-z]{2}-[a-z]+-\d+$/.test(r) && !/^(cn|us-gov)-/.test(r));
    expect([...AWS_REGIONS].sort()).toEqual([...sdk, "us-east-1"].sort());
  });

  it("refuse a Region that follows the pattern but does not exist", () => {
    expect(isAwsRegion("eu-west-9")).toBe(false);
  });
});
