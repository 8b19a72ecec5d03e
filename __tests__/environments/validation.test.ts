import { loadEnvironments, validateEnvironments, type EnvironmentSource } from "../../environments";
import devConfig from "../../environments/dev";
import prodConfig from "../../environments/prod";
import stagingConfig from "../../environments/staging";
import { ConfigError } from "../../lib/errors";

type Mutable = Record<string, unknown>;

/** A deep copy of a shipped environment, changed by `mutate`, under its real file name. */
function variant(base: object, name: string, mutate: (env: Mutable) => void): EnvironmentSource {
  const data = structuredClone(base) as Mutable;
  mutate(data);
  return { file: `environments/${name}.ts`, data };
}

function problemsOf(sources: EnvironmentSource[]): string[] {
  try {
    validateEnvironments(sources);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error("expected a ConfigError, but the configuration was accepted");
}

const dev = (mutate: (env: Mutable) => void) => [variant(devConfig, "dev", mutate)];
const prod = (mutate: (env: Mutable) => void) => [variant(prodConfig, "prod", mutate)];

describe("shipped environments", () => {
  it("validate with defaults filled in", () => {
    const [loadedDev] = loadEnvironments();
    expect(loadedDev.alarms.periodSeconds).toBe(60);
  });

  it("are dev, staging and prod in that order", () => {
    expect(loadEnvironments().map((e) => e.name)).toEqual(["dev", "staging", "prod"]);
  });

  it("mark only prod as protected", () => {
    expect(loadEnvironments().filter((e) => e.protected).map((e) => e.name)).toEqual(["prod"]);
  });
});

describe("invalid configuration is reported as <file>: <path>: <problem> (got <value>)", () => {
  const cases: [string, EnvironmentSource[], string][] = [
    [
      "an unknown top-level key",
      dev((e) => (e.regoin = "eu-west-1")),
      'environments/dev.ts: regoin: is not a known field; remove it or fix its spelling (got "eu-west-1")',
    ],
    [
      "an unknown nested key",
      dev((e) => ((e.ssr as Mutable).memoryMb = 512)),
      "environments/dev.ts: ssr.memoryMb: is not a known field; remove it or fix its spelling (got 512)",
    ],
    [
      "an account id that is not 12 digits",
      dev((e) => ((e.account as Mutable).id = "1234")),
      'environments/dev.ts: account.id: must be a 12-digit AWS account id (got "1234")',
    ],
    [
      "a malformed region",
      dev((e) => ((e.account as Mutable).region = "Ireland")),
      'environments/dev.ts: account.region: must be an AWS region such as eu-west-1 (got "Ireland")',
    ],
    [
      "a missing required field",
      dev((e) => delete e.state),
      "environments/dev.ts: state: is required (expected object) (got nothing)",
    ],
    [
      "memory below Lambda's minimum",
      dev((e) => ((e.ssr as Mutable).memoryMiB = 64)),
      "environments/dev.ts: ssr.memoryMiB: Too small: expected number to be >=128 (got 64)",
    ],
    [
      "a timeout CloudFront would cut short",
      dev((e) => ((e.ssr as Mutable).timeoutSeconds = 120)),
      "environments/dev.ts: ssr.timeoutSeconds: Too big: expected number to be <=60 (got 120)",
    ],
    [
      "an unsupported runtime",
      dev((e) => ((e.ssr as Mutable).runtime = "nodejs16.x")),
      "environments/dev.ts: ssr.runtime: must be a Lambda Node.js runtime this workspace knows: nodejs24.x, nodejs22.x, nodejs20.x, nodejs18.x (LAMBDA_RUNTIMES in lib/lambda-runtimes.ts, from https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html) (got \"nodejs16.x\")",
    ],
    [
      "a log retention CloudWatch does not offer",
      dev((e) => (e.logRetentionDays = 10)),
      "environments/dev.ts: logRetentionDays: must be one of CloudWatch's retention periods",
    ],
    [
      "a domain outside the hosted zone",
      dev((e) => ((e.dns as Mutable).domainNames = ["dev.example.org"])),
      'environments/dev.ts: dns.domainNames[0]: must be inside the hosted zone dev.example.com (got "dev.example.org")',
    ],
    [
      "a protected table without deletion protection",
      prod((e) => ((e.tables as Mutable[])[0].deletionProtection = false)),
      "environments/prod.ts: tables[0].deletionProtection: must be true in a protected environment (got false)",
    ],
    [
      "a protected table without point-in-time recovery",
      prod((e) => ((e.tables as Mutable[])[1].pointInTimeRecovery = false)),
      "environments/prod.ts: tables[1].pointInTimeRecovery: must be true in a protected environment (got false)",
    ],
    [
      "reserved concurrency above the account limit",
      prod((e) => ((e.ssr as Mutable).reservedConcurrency = 950)),
      "environments/prod.ts: ssr.reservedConcurrency: must leave 100 of account.lambdaConcurrencyLimit (1000) unreserved, as Lambda requires (got 950)",
    ],
    [
      "a variable name Lambda reserves",
      dev((e) => ((e.ssr as Mutable).environment = { AWS_REGION: "eu-west-1" })),
      "environments/dev.ts: ssr.environment.AWS_REGION: is reserved (AWS_*, LAMBDA_*, _*, TZ are set by Lambda; APP_ENV and TABLE_* by the app stack)",
    ],
    [
      "a variable name the app stack sets",
      dev((e) => ((e.ssr as Mutable).environment = { TABLE_SESSIONS: "other" })),
      "environments/dev.ts: ssr.environment.TABLE_SESSIONS: is reserved",
    ],
    [
      "a protected environment without reserved concurrency",
      prod((e) => ((e.ssr as Mutable).reservedConcurrency = null)),
      "environments/prod.ts: ssr.reservedConcurrency: must be set in a protected environment (got null)",
    ],
    [
      "provisioned billing without capacities",
      dev((e) => ((e.tables as Mutable[])[0].billingMode = "PROVISIONED")),
      'environments/dev.ts: tables[0].readCapacity: is required when billingMode is PROVISIONED (got nothing)',
    ],
    [
      "capacities with on-demand billing",
      dev((e) => ((e.tables as Mutable[])[0].readCapacity = 5)),
      "environments/dev.ts: tables[0].readCapacity: is only allowed when billingMode is PROVISIONED (got 5)",
    ],
    [
      "a delegation for a zone the workspace does not create",
      prod((e) => ((e.dns as Mutable).delegation = { parentZoneName: "com", parentZoneId: "Z0EXAMPLE", roleArn: "arn:aws:iam::333333333333:role/r" })),
      "environments/prod.ts: dns.delegation: is only allowed with dns.createHostedZone: true",
    ],
    [
      "a delegation from a zone that is not the parent",
      dev((e) => (((e.dns as Mutable).delegation as Mutable).parentZoneName = "example.org")),
      'environments/dev.ts: dns.delegation.parentZoneName: must be a parent of dns.hostedZoneName dev.example.com (got "example.org")',
    ],
    [
      "a parent zone id that is not a Route 53 id",
      dev((e) => (((e.dns as Mutable).delegation as Mutable).parentZoneId = "example.com")),
      'environments/dev.ts: dns.delegation.parentZoneId: must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ (got "example.com")',
    ],
    [
      "a delegation role that is not a role ARN",
      dev((e) => (((e.dns as Mutable).delegation as Mutable).roleArn = "acme-web-dns-delegation")),
      'environments/dev.ts: dns.delegation.roleArn: must be an IAM role ARN such as arn:aws:iam::333333333333:role/acme-web-dns-delegation (got "acme-web-dns-delegation")',
    ],
    [
      "two tables with one name",
      dev((e) => ((e.tables as Mutable[])[1].name = "sessions")),
      'environments/dev.ts: tables[1].name: duplicates tables[0].name (got "sessions")',
    ],
    [
      "a sort key named like the partition key",
      dev((e) => ((e.tables as Mutable[])[1].sortKey = { name: "pk", type: "S" })),
      'environments/dev.ts: tables[1].sortKey.name: must differ from the partition key name (got "pk")',
    ],
    [
      "an environment name that does not match its file",
      dev((e) => (e.name = "qa")),
      'environments/dev.ts: name: must match the file name "dev" (got "qa")',
    ],
    [
      "a malformed Slack channel id",
      dev((e) => ((e.slack as Mutable).channelId = "#alerts")),
      'environments/dev.ts: slack.channelId: must be a Slack channel id such as C0123ABCD (got "#alerts")',
    ],
    [
      "a policy suppression without a reason",
      dev((e) => (e.policySuppressions = [{ rule: "S3-1", resource: "aws_s3_bucket.Assets", reason: "" }])),
      'environments/dev.ts: policySuppressions[0].reason: must explain why the rule does not apply (at least 10 characters) (got "")',
    ],
    [
      "a project name too long for bucket names",
      dev((e) => (e.project = "a-very-long-project-x")),
      'environments/dev.ts: project: must be at most 20 characters (got "a-very-long-project-x")',
    ],
    [
      "two environments sharing a domain name",
      [variant(devConfig, "dev", () => {}), variant(devConfig, "qa", (e) => (e.name = "qa"))],
      'environments/qa.ts: dns.domainNames[0]: domain name is already used by environments/dev.ts (got "dev.example.com")',
    ],
    [
      "two environments sharing state keys",
      [
        variant(devConfig, "dev", () => {}),
        // Same name and project in the same bucket: every state key collides.
        variant(devConfig, "qa", (e) => ((e.dns as Mutable).domainNames = ["qa.dev.example.com"])),
      ],
      'environments/qa.ts: state: state key is already used by environments/dev.ts (got "s3://acme-web-tfstate-111111111111/acme-web/dev/dns.tfstate")',
    ],
    [
      "two accounts sharing one state bucket",
      [
        variant(devConfig, "dev", () => {}),
        variant(stagingConfig, "staging", (e) => ((e.state as Mutable).bucket = "acme-web-tfstate-111111111111")),
      ],
      "environments/staging.ts: state.bucket: is shared with environments/dev.ts, which has account 111111111111, region eu-west-1, lock table none; one state bucket has one bootstrap stack, so its account, region and lock table must match (got account 222222222222, region eu-west-1, lock table none)",
    ],
    [
      "two environments sharing a state bucket with different lock tables",
      [
        variant(devConfig, "dev", () => {}),
        variant(devConfig, "qa", (e) => {
          e.name = "qa";
          (e.dns as Mutable).hostedZoneName = "qa.example.com";
          (e.dns as Mutable).domainNames = ["qa.example.com"];
          (e.state as Mutable).lockTable = "qa-locks";
        }),
      ],
      "environments/qa.ts: state.bucket: is shared with environments/dev.ts, which has account 111111111111, region eu-west-1, lock table none",
    ],
    [
      "two accounts sharing one hosted zone",
      [
        variant(devConfig, "dev", () => {}),
        variant(stagingConfig, "staging", (e) => {
          (e.dns as Mutable).hostedZoneName = "dev.example.com";
          (e.dns as Mutable).domainNames = ["staging.dev.example.com"];
        }),
      ],
      "environments/staging.ts: dns.hostedZoneName: is shared with environments/dev.ts, which has account 111111111111; a hosted zone lives in one account",
    ],
    [
      "two environments creating one hosted zone",
      [
        variant(devConfig, "dev", () => {}),
        variant(devConfig, "qa", (e) => {
          e.name = "qa";
          (e.dns as Mutable).domainNames = ["qa.dev.example.com"];
          (e.state as Mutable).bucket = "acme-web-tfstate-qa";
        }),
      ],
      'environments/qa.ts: dns.createHostedZone: environments/dev.ts creates the hosted zone dev.example.com already; set false here to share it (got true)',
    ],
  ];

  it.each(cases)("reports %s", (_name, sources, expected) => {
    expect(problemsOf(sources)).toEqual(expect.arrayContaining([expect.stringContaining(expected)]));
  });

  it("lists every problem of every file in one error", () => {
    const problems = problemsOf([
      variant(devConfig, "dev", (e) => ((e.account as Mutable).id = "1")),
      variant(prodConfig, "prod", (e) => ((e.ssr as Mutable).memoryMiB = 1)),
    ]);
    expect(problems.map((p) => p.split(":")[0])).toEqual(["environments/dev.ts", "environments/prod.ts"]);
  });

  it("says how many problems there are in the message", () => {
    expect(() => validateEnvironments(dev((e) => ((e.account as Mutable).id = "1")))).toThrow(
      /Invalid environment configuration \(1 problem\)/,
    );
  });
});

describe("adding an environment", () => {
  it("accepts a fourth environment that differs in name, domain and state key", () => {
    const qa = variant(stagingConfig, "qa", (e) => {
      e.name = "qa";
      (e.account as Mutable).id = "444444444444";
      (e.state as Mutable).bucket = "acme-web-tfstate-444444444444";
      (e.dns as Mutable).hostedZoneName = "qa.example.com";
      (e.dns as Mutable).domainNames = ["qa.example.com"];
    });
    const sources = [devConfig, stagingConfig, prodConfig].map((c, i) => variant(c, ["dev", "staging", "prod"][i], () => {}));
    expect(validateEnvironments([...sources, qa]).map((e) => e.name)).toEqual(["dev", "staging", "prod", "qa"]);
  });
});
