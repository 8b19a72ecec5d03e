/**
 * The AWS Regions an environment may use: every Region of the commercial `aws` partition.
 *
 * Source: "AWS Regions" in the AWS General Reference
 * (https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html). The
 * AWS provider validates `region` against the Regions it knows (`skip_region_validation`
 * defaults to false), so a made-up name such as `eu-west-9` would only fail at plan time.
 * GovCloud and China are left out on purpose: they are separate partitions without
 * CloudFront's ACM-in-us-east-1 model this workspace is built on.
 *
 * __tests__/lib/aws-regions.test.ts compares this list with the Regions the pinned AWS SDK
 * knows, so a Region AWS adds shows up as a failing test when the SDK is upgraded.
 */
export const AWS_REGIONS = [
  "af-south-1", // Africa (Cape Town)
  "ap-east-1", // Asia Pacific (Hong Kong)
  "ap-east-2", // Asia Pacific (Taipei)
  "ap-northeast-1", // Asia Pacific (Tokyo)
  "ap-northeast-2", // Asia Pacific (Seoul)
  "ap-northeast-3", // Asia Pacific (Osaka)
  "ap-south-1", // Asia Pacific (Mumbai)
  "ap-south-2", // Asia Pacific (Hyderabad)
  "ap-southeast-1", // Asia Pacific (Singapore)
  "ap-southeast-2", // Asia Pacific (Sydney)
  "ap-southeast-3", // Asia Pacific (Jakarta)
  "ap-southeast-4", // Asia Pacific (Melbourne)
  "ap-southeast-5", // Asia Pacific (Malaysia)
  "ap-southeast-6", // Asia Pacific (New Zealand)
  "ap-southeast-7", // Asia Pacific (Thailand)
  "ca-central-1", // Canada (Central)
  "ca-west-1", // Canada West (Calgary)
  "eu-central-1", // Europe (Frankfurt)
  "eu-central-2", // Europe (Zurich)
  "eu-north-1", // Europe (Stockholm)
  "eu-south-1", // Europe (Milan)
  "eu-south-2", // Europe (Spain)
  "eu-west-1", // Europe (Ireland)
  "eu-west-2", // Europe (London)
  "eu-west-3", // Europe (Paris)
  "il-central-1", // Israel (Tel Aviv)
  "me-central-1", // Middle East (UAE)
  "me-south-1", // Middle East (Bahrain)
  "mx-central-1", // Mexico (Central)
  "sa-east-1", // South America (São Paulo)
  "us-east-1", // US East (N. Virginia)
  "us-east-2", // US East (Ohio)
  "us-west-1", // US West (N. California)
  "us-west-2", // US West (Oregon)
] as const;

export type AwsRegion = (typeof AWS_REGIONS)[number];

export function isAwsRegion(value: string): value is AwsRegion {
  return (AWS_REGIONS as readonly string[]).includes(value);
}
