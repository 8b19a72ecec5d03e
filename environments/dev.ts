import type { EnvironmentInput } from "./schema";

/** Development: cheapest settings, short log retention, tables may be deleted. */
export default {
  name: "dev",
  project: "acme-web",
  account: { id: "111111111111", region: "eu-west-1" },
  // Deploys with staging, in the first wave.
  deploy: { wave: 1 },
  dns: {
    hostedZoneName: "dev.example.com",
    // Created here and delegated from example.com (prod's account) through its delegation role.
    createHostedZone: true,
    delegation: {
      parentZoneName: "example.com",
      parentZoneId: "Z0EXAMPLEPARENTZONE",
      roleArn: "arn:aws:iam::333333333333:role/acme-web-dns-delegation",
    },
    domainNames: ["dev.example.com"],
  },
  state: { bucket: "acme-web-tfstate-111111111111", region: "eu-west-1" },
  ssr: {
    runtime: "nodejs22.x",
    architecture: "arm64",
    memoryMiB: 512,
    timeoutSeconds: 10,
    reservedConcurrency: null,
    environment: { LOG_LEVEL: "debug" },
  },
  tables: [
    {
      name: "sessions",
      partitionKey: { name: "id", type: "S" },
      ttlAttribute: "expiresAt",
    },
    {
      name: "content",
      partitionKey: { name: "pk", type: "S" },
      sortKey: { name: "sk", type: "S" },
    },
  ],
  cdn: { priceClass: "PriceClass_100" },
  logRetentionDays: 7,
  slack: { workspaceId: "T0EXAMPLE1", channelId: "C0DEVALERTS" },
  tags: { CostCenter: "web-platform", Owner: "platform-team" },
} satisfies EnvironmentInput;
