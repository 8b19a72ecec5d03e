import type { EnvironmentInput } from "./schema";

/** Staging: production-shaped, the E2E gate runs here before prod. */
export default {
  name: "staging",
  project: "acme-web",
  account: { id: "222222222222", region: "eu-west-1" },
  // First wave, with dev; runs the E2E gate that production waits for.
  deploy: { wave: 1, e2e: true },
  dns: {
    hostedZoneName: "staging.example.com",
    // Created here and delegated from example.com (prod's account) through its delegation role.
    createHostedZone: true,
    delegation: {
      parentZoneName: "example.com",
      parentZoneId: "Z0EXAMPLEPARENTZONE",
      roleArn: "arn:aws:iam::333333333333:role/acme-web-dns-delegation",
    },
    domainNames: ["staging.example.com"],
  },
  state: { bucket: "acme-web-tfstate-222222222222", region: "eu-west-1" },
  ssr: {
    runtime: "nodejs22.x",
    architecture: "arm64",
    memoryMiB: 1024,
    timeoutSeconds: 10,
    reservedConcurrency: 20,
    environment: { LOG_LEVEL: "info" },
  },
  tables: [
    {
      name: "sessions",
      partitionKey: { name: "id", type: "S" },
      ttlAttribute: "expiresAt",
      pointInTimeRecovery: true,
    },
    {
      name: "content",
      partitionKey: { name: "pk", type: "S" },
      sortKey: { name: "sk", type: "S" },
      pointInTimeRecovery: true,
    },
  ],
  cdn: { priceClass: "PriceClass_100" },
  logRetentionDays: 30,
  slack: { workspaceId: "T0EXAMPLE1", channelId: "C0STGALERTS" },
  tags: { CostCenter: "web-platform", Owner: "platform-team" },
} satisfies EnvironmentInput;
