import type { EnvironmentInput } from "./schema";

/** Production: protected (deletion protection, PITR, reserved concurrency, destroy gate). */
export default {
  name: "prod",
  project: "acme-web",
  protected: true,
  account: { id: "333333333333", region: "eu-west-1", lambdaConcurrencyLimit: 1000 },
  // After the E2E gate, behind the `production` GitHub environment's required reviewers; a
  // canary release, E2E against production, and an automatic rollback when that fails.
  deploy: {
    wave: 2,
    e2e: true,
    rollbackOnFailure: true,
    canary: { percent: 10, steps: 3, stepMinutes: 5 },
    githubEnvironment: "production",
    rollbackGithubEnvironment: "production-rollback",
  },
  dns: {
    hostedZoneName: "example.com",
    // The apex zone exists already: the domain's registrar points at its name servers (a
    // manual step, checked by `npm run doctor`). dev and staging delegate from it.
    createHostedZone: false,
    domainNames: ["example.com", "www.example.com"],
  },
  state: {
    bucket: "acme-web-tfstate-333333333333",
    region: "eu-west-1",
    lockTable: "acme-web-tfstate-lock",
  },
  ssr: {
    runtime: "nodejs22.x",
    architecture: "arm64",
    memoryMiB: 1536,
    timeoutSeconds: 10,
    reservedConcurrency: 200,
    environment: { LOG_LEVEL: "warn" },
  },
  api: { throttlingRateLimit: 500, throttlingBurstLimit: 1000 },
  tables: [
    {
      name: "sessions",
      partitionKey: { name: "id", type: "S" },
      ttlAttribute: "expiresAt",
      pointInTimeRecovery: true,
      deletionProtection: true,
    },
    {
      name: "content",
      partitionKey: { name: "pk", type: "S" },
      sortKey: { name: "sk", type: "S" },
      pointInTimeRecovery: true,
      deletionProtection: true,
    },
  ],
  cdn: { priceClass: "PriceClass_All" },
  alarms: { lambdaErrorRatePercent: 0.5, apiLatencyP99Ms: 2000 },
  logRetentionDays: 90,
  slack: { workspaceId: "T0EXAMPLE1", channelId: "C0PRODALERT" },
  tags: { CostCenter: "web-platform", Owner: "platform-team" },
} satisfies EnvironmentInput;
