/**
 * Validating environments: the schema, the rules between environments and how problems are
 * reported. Every test here that validates runs for each mutant of the schema in a mutation
 * run (docs/mutation-testing.md), so tests that validate belong in this file, not beside
 * tests that copy and require files (loader.test.ts) or need no environment.
 */
import {
  environmentNames,
  findEnvironment,
  loadEnvironments,
  loadEnvironmentsOrExit,
  validateEnvironments,
  type EnvironmentSource,
} from "../../environments";
import devConfig from "../../environments/dev";
import prodConfig from "../../environments/prod";
import { crossEnvironmentProblems } from "../../environments/rules/cross-environment";
import { LOG_RETENTION_DAYS, physicalNameProblems } from "../../environments/schema";
import stagingConfig from "../../environments/staging";
import { ConfigError } from "../../lib/errors";
import { DEFAULT_LAMBDA_RUNTIME } from "../../lib/lambda-runtimes";
import { POLICY_RULE_IDS } from "../../lib/policy-rule-ids";

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
/** The three shipped environments, each changed by its own function (if any). */
const all = (mutate: { dev?: (env: Mutable) => void; staging?: (env: Mutable) => void; prod?: (env: Mutable) => void }) => [
  variant(devConfig, "dev", mutate.dev ?? (() => {})),
  variant(stagingConfig, "staging", mutate.staging ?? (() => {})),
  variant(prodConfig, "prod", mutate.prod ?? (() => {})),
];
const tables = (e: Mutable) => e.tables as Mutable[];
const state = (e: Mutable) => e.state as Mutable;
const deploy = (e: Mutable) => e.deploy as Mutable;
const ssr = (e: Mutable) => e.ssr as Mutable;
const dns = (e: Mutable) => e.dns as Mutable;
const alarms = (e: Mutable) => (e.alarms ??= {}) as Mutable;
const slack = (e: Mutable) => e.slack as Mutable;

/** dev changed by `mutate`, validated: its config (a ConfigError if it is refused). */
const validDev = (mutate: (env: Mutable) => void) => validateEnvironments(dev(mutate))[0]!;
/** The problems of dev changed by `mutate`. */
const devProblems = (mutate: (env: Mutable) => void) => problemsOf(dev(mutate));
/** Expects `problems` to hold one that contains `expected`. */
const holding = (expected: string) => expect.arrayContaining([expect.stringContaining(expected)]);

describe("shipped environments", () => {
  it("validate with defaults filled in", () => {
    const [loadedDev] = loadEnvironments();
    expect(loadedDev!.alarms.periodSeconds).toBe(60);
  });

  it("come in pipeline order: by deploy wave, then by name", () => {
    expect(loadEnvironments().map((e) => `${e.deploy.wave}:${e.name}`)).toEqual(["1:dev", "1:staging", "2:prod"]);
  });

  it("mark only prod as protected", () => {
    expect(loadEnvironments().filter((e) => e.protected).map((e) => e.name)).toEqual(["prod"]);
  });

  it("are named in pipeline order by environmentNames", () => {
    expect(environmentNames()).toEqual(["dev", "staging", "prod"]);
  });

  it("run the default Lambda runtime", () => {
    expect(loadEnvironments().map((env) => env.ssr.runtime)).toEqual([DEFAULT_LAMBDA_RUNTIME, DEFAULT_LAMBDA_RUNTIME, DEFAULT_LAMBDA_RUNTIME]);
  });
});

describe("findEnvironment", () => {
  it("finds an environment by its name", () => {
    expect(findEnvironment("staging", loadEnvironments()).name).toBe("staging");
  });

  it("names the known environments for an unknown name", () => {
    let problems: readonly string[] = [];
    try {
      findEnvironment("qa", loadEnvironments());
    } catch (error) {
      if (error instanceof ConfigError) problems = error.problems;
    }
    expect(problems).toEqual(['--env: unknown environment "qa"; known: dev, staging, prod']);
  });
});

describe("loadEnvironmentsOrExit (npm run synth and the other entry points)", () => {
  /**
   * Runs loadEnvironmentsOrExit with stderr captured and process.exit turned into a throw, so
   * that an exit is a failed expectation here rather than the end of the test process (a
   * mutation run's jest worker included).
   */
  function loadCapturingExit(deployDate?: Date): { environments?: number; exitCode?: number; written: string[] } {
    const written: string[] = [];
    const stderr = jest.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const exit = jest.spyOn(process, "exit").mockImplementation((code?: string | number | null) => {
      throw new ExitCalled(Number(code));
    });
    try {
      return { environments: loadEnvironmentsOrExit(deployDate ? { deployDate } : {}).length, written };
    } catch (error) {
      if (error instanceof ExitCalled) return { exitCode: error.code, written };
      throw error;
    } finally {
      stderr.mockRestore();
      exit.mockRestore();
    }
  }
  const day = (iso: string) => new Date(`${iso}T12:00:00Z`);

  it("applies no runtime rules without a deploy date", () => {
    expect(loadCapturingExit()).toEqual({ environments: 3, written: [] });
  });

  it("prints a runtime's warning and still returns the environments", () => {
    const { environments, exitCode, written } = loadCapturingExit(day("2027-05-01"));
    expect({ environments, exitCode, warnings: written.filter((w) => w.startsWith("warning: environments/")).length }).toEqual({
      environments: 3,
      exitCode: undefined,
      warnings: 3,
    });
  });

  it("past a runtime's block-update date, prints each environment's problem and exits 1", () => {
    const { environments, exitCode, written } = loadCapturingExit(day("2027-12-01"));
    expect({ environments, exitCode, problems: written.join("").match(/^ {2}environments\/\w+\.ts: ssr\.runtime: /gm)?.length }).toEqual({
      environments: undefined,
      exitCode: 1,
      problems: 3,
    });
  });
});

class ExitCalled extends Error {
  constructor(readonly code: number) {
    super(`process.exit(${code})`);
  }
}

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
      'environments/dev.ts: account.region: must be an AWS Region of the aws partition, such as eu-west-1 (lib/aws-regions.ts lists them) (got "Ireland")',
    ],
    [
      "a region that does not exist",
      dev((e) => ((e.account as Mutable).region = "eu-west-9")),
      'environments/dev.ts: account.region: must be an AWS Region of the aws partition, such as eu-west-1 (lib/aws-regions.ts lists them) (got "eu-west-9")',
    ],
    [
      "a state region in another partition",
      dev((e) => (state(e).region = "us-gov-west-1")),
      'environments/dev.ts: state.region: must be an AWS Region of the aws partition, such as eu-west-1 (lib/aws-regions.ts lists them) (got "us-gov-west-1")',
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
      dev((e) => (e.name = "not-dev")),
      'environments/dev.ts: name: must match the file name "dev" (got "not-dev")',
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

    // S3 bucket naming rules (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html)
    ...(
      [
        ["a state bucket name longer than 63 characters", "a".repeat(64), "must be 3 to 63 characters long (is 64)"],
        ["a state bucket name shorter than 3 characters", "ab", "must be 3 to 63 characters long (is 2)"],
        ["a state bucket name with upper-case letters", "Acme-tfstate", "may only contain lower-case letters, digits, dots and hyphens"],
        ["a state bucket name starting with a hyphen", "-acme-tfstate", "must begin and end with a letter or digit"],
        ["a state bucket name formatted as an IP address", "192.168.5.4", "must not be formatted as an IP address"],
        ["a state bucket name with dots", "acme.tfstate", "must not contain dots (virtual-hosted-style HTTPS, the SDK's and Terraform's default, cannot reach it)"],
        ["a state bucket name starting with xn--", "xn--acme-tfstate", 'must not start with "xn--" (reserved by S3)'],
        ["a state bucket name starting with sthree-", "sthree-acme", 'must not start with "sthree-" (reserved by S3)'],
        ["a state bucket name starting with amzn-s3-demo-", "amzn-s3-demo-acme", 'must not start with "amzn-s3-demo-" (reserved by S3)'],
        ["a state bucket name ending in -s3alias", "acme-tfstate-s3alias", 'must not end with "-s3alias" (reserved by S3)'],
        ["a state bucket name ending in --ol-s3", "acme-tfstate--ol-s3", 'must not end with "--ol-s3" (reserved by S3)'],
        ["a state bucket name ending in --x-s3", "acme-tfstate--x-s3", 'must not end with "--x-s3" (reserved by S3)'],
        ["a state bucket name ending in --table-s3", "acme-tfstate--table-s3", 'must not end with "--table-s3" (reserved by S3)'],
      ] as const
    ).map(([name, bucket, problem]): [string, EnvironmentSource[], string] => [
      name,
      dev((e) => (state(e).bucket = bucket)),
      `environments/dev.ts: state.bucket: ${problem} (got ${JSON.stringify(bucket)})`,
    ]),
    [
      "a project that makes the assets bucket name start with a prefix S3 reserves",
      dev((e) => (e.project = "sthree")),
      'environments/dev.ts: name: makes the assets bucket name "sthree-dev-assets-111111111111", which must not start with "sthree-"',
    ],
    // DynamoDB naming rules (HowItWorks.NamingRulesDataTypes)
    [
      "a lock table name with characters DynamoDB refuses",
      dev((e) => (state(e).lockTable = "locks!")),
      'environments/dev.ts: state.lockTable: may only contain letters, digits, underscores, hyphens and dots (got "locks!")',
    ],
    [
      "a lock table name shorter than 3 characters",
      dev((e) => (state(e).lockTable = "lk")),
      'environments/dev.ts: state.lockTable: must be 3 to 255 characters long (is 2) (got "lk")',
    ],
    [
      "a key attribute name over 255 bytes",
      dev((e) => ((tables(e)[0]!.partitionKey as Mutable).name = "é".repeat(128))),
      "environments/dev.ts: tables[0].partitionKey.name: must be 1 to 255 bytes of UTF-8 (is 256)",
    ],
    [
      "a TTL attribute name over 255 bytes",
      dev((e) => (tables(e)[0]!.ttlAttribute = "t".repeat(256))),
      "environments/dev.ts: tables[0].ttlAttribute: must be 1 to 255 bytes of UTF-8 (is 256)",
    ],
    [
      "a TTL attribute that is a string key",
      dev((e) => (tables(e)[0]!.ttlAttribute = "id")),
      'environments/dev.ts: tables[0].ttlAttribute: is a key attribute of type S; a TTL attribute must hold a Number (got "id")',
    ],
    [
      "two table names that map to one construct id",
      dev((e) => {
        tables(e)[0]!.name = "cache-2";
        tables(e)[1]!.name = "cache2";
      }),
      'environments/dev.ts: tables[1].name: gets the same construct id (TableCache2) as tables[0].name "cache-2"; rename one (got "cache2")',
    ],
    // Lambda (API_Environment, gettingstarted-limits)
    [
      "a one-letter variable name",
      dev((e) => (ssr(e).environment = { X: "1" })),
      "environments/dev.ts: ssr.environment.X: must be a letter followed by at least one letter, digit or underscore, as Lambda requires",
    ],
    [
      "variables over Lambda's 4 KB with the stack's own",
      dev((e) => (ssr(e).environment = { LOG_LEVEL: "debug", BIG: "x".repeat(4002) })),
      "environments/dev.ts: ssr.environment: with the stack's own variables (APP_ENV, TABLE_*) makes 4097 bytes of names and values; Lambda allows 4096 in all",
    ],
    // Tags (Tag Editor: tag naming limits and requirements)
    [
      "a tag key over 128 characters",
      dev((e) => (e.tags = { ["k".repeat(129)]: "v" })),
      `environments/dev.ts: tags.${"k".repeat(129)}: must be 1 to 128 characters long (is 129)`,
    ],
    [
      "a tag value over 256 characters",
      dev((e) => (e.tags = { Owner: "v".repeat(257) })),
      "environments/dev.ts: tags.Owner: must be at most 256 characters long (is 257)",
    ],
    [
      "a tag key with the prefix AWS reserves",
      dev((e) => (e.tags = { "AWS:owner": "me" })),
      'environments/dev.ts: tags.AWS:owner: must not start with "aws:" (reserved by AWS in any case)',
    ],
    [
      "a tag value with the prefix AWS reserves",
      dev((e) => (e.tags = { Owner: "aws:me" })),
      'environments/dev.ts: tags.Owner: must not start with "aws:" (reserved by AWS in any case) (got "aws:me")',
    ],
    [
      "a tag key with a character AWS refuses",
      dev((e) => (e.tags = { "cost#center": "x" })),
      "environments/dev.ts: tags.cost#center: may only contain letters, digits, spaces and _ . : / = + - @",
    ],
    [
      "a tag the workspace sets itself",
      dev((e) => (e.tags = { Environment: "production" })),
      "environments/dev.ts: tags.Environment: is set by the workspace on every resource (Project, Environment, ManagedBy, Stack); choose another key",
    ],
    [
      "more tags than fit beside the workspace's four",
      dev((e) => (e.tags = Object.fromEntries(Array.from({ length: 47 }, (_, i) => [`Tag${i}`, "x"])))),
      "environments/dev.ts: tags: must hold at most 46 tags: AWS allows 50 per resource and the workspace adds 4",
    ],
    // Route 53 and ACM names (DomainNameFormat, API_RequestCertificate, acm-limits)
    [
      "a wildcard hosted zone",
      dev((e) => (dns(e).hostedZoneName = "*.example.com")),
      'environments/dev.ts: dns.hostedZoneName: must not be a wildcard (got "*.example.com")',
    ],
    [
      "a domain label over 63 characters",
      dev((e) => (dns(e).domainNames = [`${"a".repeat(64)}.dev.example.com`])),
      `environments/dev.ts: dns.domainNames[0]: label "${"a".repeat(64)}" must be 1 to 63 lower-case letters, digits or hyphens`,
    ],
    [
      "a domain name over 253 characters",
      dev((e) => (dns(e).domainNames = [`${Array.from({ length: 5 }, () => "a".repeat(50)).join(".")}.dev.example.com`])),
      "environments/dev.ts: dns.domainNames[0]: must be at most 253 characters long (is 270)",
    ],
    [
      "a domain name with upper-case letters",
      dev((e) => (dns(e).domainNames = ["WWW.dev.example.com"])),
      'environments/dev.ts: dns.domainNames[0]: label "WWW" must be 1 to 63 lower-case letters, digits or hyphens, not starting or ending with a hyphen',
    ],
    [
      "a domain name ending in an all-digit label",
      dev((e) => (dns(e).hostedZoneName = "example.123")),
      'environments/dev.ts: dns.hostedZoneName: must not end in an all-digit label (got "example.123")',
    ],
    [
      "a hosted zone name of one label",
      dev((e) => (dns(e).hostedZoneName = "localhost")),
      'environments/dev.ts: dns.hostedZoneName: must have at least two labels, such as example.com (got "localhost")',
    ],
    [
      "more domain names than an ACM certificate takes",
      dev((e) => (dns(e).domainNames = Array.from({ length: 11 }, (_, i) => `n${i}.dev.example.com`))),
      "environments/dev.ts: dns.domainNames: must list at most 10 names: ACM's default quota of domain names per certificate",
    ],
    // Deploy order and GitHub environments
    [
      "a wave beyond the deploy workflow's wave jobs",
      dev((e) => (deploy(e).wave = 4)),
      "environments/dev.ts: deploy.wave: Too big: expected number to be <=3 (got 4)",
    ],
    [
      "a canary longer than the release step waits",
      prod((e) => (deploy(e).canary = { percent: 10, steps: 5, stepMinutes: 5 })),
      "environments/prod.ts: deploy.canary.stepMinutes: makes steps × stepMinutes exceed 20 minutes",
    ],
    [
      "a GitHub environment name OIDC subjects cannot carry",
      dev((e) => (deploy(e).githubEnvironment = "dev:main")),
      'environments/dev.ts: deploy.githubEnvironment: must be a GitHub environment name: 1 to 255 letters, digits, dots, hyphens and underscores, starting with a letter or digit (got "dev:main")',
    ],
    [
      "a protected environment without a GitHub environment to approve its deploys",
      prod((e) => delete deploy(e).githubEnvironment),
      "environments/prod.ts: deploy.githubEnvironment: must name the GitHub environment whose required reviewers approve deploys of a protected environment (got nothing)",
    ],
    [
      "waves with a gap",
      all({ prod: (e) => (deploy(e).wave = 3) }),
      "environments/prod.ts: deploy.wave: no environment is in wave 2; number the waves 1, 2, … without gaps (got 3)",
    ],
    [
      "a protected environment with no E2E gate before it",
      all({ staging: (e) => (deploy(e).e2e = false) }),
      "environments/prod.ts: deploy.wave: a protected environment must deploy after an environment with deploy.e2e: true in an earlier wave, so it only gets builds that passed E2E (got 2)",
    ],
    [
      "a protected environment in the same wave as the E2E gate",
      all({ prod: (e) => (deploy(e).wave = 1) }),
      "environments/prod.ts: deploy.wave: a protected environment must deploy after an environment with deploy.e2e: true in an earlier wave",
    ],
    [
      "two environments in one GitHub environment",
      all({ staging: (e) => (deploy(e).githubEnvironment = "Production") }),
      'environments/prod.ts: deploy.githubEnvironment: is already the GitHub environment of environments/staging.ts; each environment needs its own, which its role trusts (got "production")',
    ],
    // Between environments: names, buckets, concurrency
    [
      "two environments whose resource names are the same",
      [
        variant(devConfig, "dev", () => {}),
        variant(devConfig, "web-dev", (e) => {
          e.name = "web-dev";
          e.project = "acme";
          dns(e).domainNames = ["web.dev.example.com"];
        }),
      ],
      'environments/web-dev.ts: name: its resource names start with "acme-web-dev-", the prefix of every resource of environments/dev.ts in account 111111111111, so names and alarm watches collide; rename one environment or project (got "web-dev")',
    ],
    [
      "an environment whose name prefix starts another's",
      [
        variant(devConfig, "dev", () => {}),
        variant(devConfig, "dev-eu", (e) => {
          e.name = "dev-eu";
          dns(e).domainNames = ["eu.dev.example.com"];
        }),
      ],
      'environments/dev-eu.ts: name: its resource names start with "acme-web-dev-", the prefix of every resource of environments/dev.ts in account 111111111111',
    ],
    [
      "a state bucket that is an environment's assets bucket",
      all({ dev: (e) => (state(e).bucket = "acme-web-staging-assets-222222222222") }),
      'environments/dev.ts: state.bucket: is the assets bucket of environments/staging.ts, which the distribution stack creates and sync-assets and prune write to (got "acme-web-staging-assets-222222222222")',
    ],
    [
      "a lock table that is one of the app's tables",
      all({ prod: (e) => (state(e).lockTable = "acme-web-prod-sessions") }),
      'environments/prod.ts: state.lockTable: is the table "sessions" of environments/prod.ts, which the app stack creates (got "acme-web-prod-sessions")',
    ],
    [
      "reserved concurrency that fits each environment but not the account together",
      [
        variant(stagingConfig, "staging", (e) => (ssr(e).reservedConcurrency = 500)),
        variant(stagingConfig, "staging-two", (e) => {
          e.name = "staging-two";
          dns(e).hostedZoneName = "two.staging.example.com";
          dns(e).domainNames = ["two.staging.example.com"];
          ssr(e).reservedConcurrency = 450;
        }),
      ],
      "environments/staging-two.ts: ssr.reservedConcurrency: the environments in account 222222222222, eu-west-1 reserve 950 (staging 500 + staging-two 450), which leaves fewer than the 100 unreserved executions Lambda requires of the quota 1000 (got 450)",
    ],
    [
      "two Lambda quotas for one account and region",
      [
        variant(stagingConfig, "staging", () => {}),
        variant(stagingConfig, "staging-two", (e) => {
          e.name = "staging-two";
          dns(e).hostedZoneName = "two.staging.example.com";
          dns(e).domainNames = ["two.staging.example.com"];
          (e.account as Mutable).lambdaConcurrencyLimit = 2000;
        }),
      ],
      "environments/staging-two.ts: account.lambdaConcurrencyLimit: is shared with environments/staging.ts, which has 1000 for account 222222222222 in eu-west-1; environments in one account and Region share one Lambda concurrency quota (got 2000 for account 222222222222 in eu-west-1)",
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

describe("rules between environments accept", () => {
  const sibling = (name: string, mutate: (env: Mutable) => void) =>
    variant(stagingConfig, name, (e) => {
      e.name = name;
      dns(e).hostedZoneName = `${name}.example.com`;
      dns(e).domainNames = [`${name}.example.com`];
      mutate(e);
    });

  it("a fourth environment that differs in name, domain and state key, in pipeline order", () => {
    const sources = [...all({}), sibling("zz-extra", (e) => ((e.account as Mutable).id = "444444444444"))];
    ((sources[3] as { data: Mutable }).data).state = { bucket: "acme-web-tfstate-444444444444", region: "eu-west-1" };
    expect(validateEnvironments(sources).map((e) => e.name)).toEqual(["dev", "staging", "zz-extra", "prod"]);
  });

  it("name prefixes that overlap in different accounts", () => {
    const other = sibling("staging-eu", (e) => {
      (e.account as Mutable).id = "444444444444";
      state(e).bucket = "acme-web-tfstate-444444444444";
    });
    expect(validateEnvironments([variant(stagingConfig, "staging", () => {}), other]).map((e) => e.name)).toEqual(["staging", "staging-eu"]);
  });

  it("reservations that fit in the same account but different regions", () => {
    const other = sibling("stg-us", (e) => {
      (e.account as Mutable).region = "us-east-2";
      ssr(e).reservedConcurrency = 850;
    });
    const sources = [variant(stagingConfig, "staging", (e) => (ssr(e).reservedConcurrency = 850)), other];
    expect(validateEnvironments(sources).map((e) => e.name)).toEqual(["staging", "stg-us"]);
  });
});

describe("how a problem is reported", () => {
  it("names the file as a whole (root) when it does not export an object", () => {
    expect(problemsOf([{ file: "environments/dev.ts", data: "dev" }])).toEqual([
      'environments/dev.ts: (root): Invalid input: expected object, received string (got "dev")',
    ]);
  });

  it("gives a field of the wrong type zod's message, not 'is required'", () => {
    expect(devProblems((e) => (ssr(e).memoryMiB = "512"))).toEqual([
      'environments/dev.ts: ssr.memoryMiB: Invalid input: expected number, received string (got "512")',
    ]);
  });

  it("joins a record key's problems with semicolons", () => {
    expect(devProblems((e) => (e.tags = { "aws:a#b": "x" }))).toEqual([
      'environments/dev.ts: tags.aws:a#b: may only contain letters, digits, spaces and _ . : / = + - @; must not start with "aws:" (reserved by AWS in any case) (got "x")',
    ]);
  });

  it("reports a rule's field inside a section the file leaves out as (got nothing)", () => {
    expect(problemsOf(prod((e) => delete e.ssr))).toEqual(holding("environments/prod.ts: ssr.reservedConcurrency: must be set in a protected environment (got nothing)"));
  });

  it("goes on to the next file after one that did not load", () => {
    const problems = problemsOf([
      { file: "environments/dev.ts", loadProblem: "environments/dev.ts: could not be loaded: boom" },
      variant(stagingConfig, "staging", (e) => ((e.account as Mutable).id = "2")),
    ]);
    expect(problems.map((p) => p.split(":")[0])).toEqual(["environments/dev.ts", "environments/staging.ts"]);
  });

  it("leaves out the rules about the whole pipeline while a file is invalid", () => {
    const problems = problemsOf([variant(devConfig, "dev", (e) => ((e.account as Mutable).id = "1")), variant(prodConfig, "prod", () => {})]);
    expect(problems.filter((p) => p.includes("deploy.wave"))).toEqual([]);
  });
});

describe("each field's rule", () => {
  it("refuses an account id with a 13th digit", () => {
    expect(devProblems((e) => ((e.account as Mutable).id = "1111111111112"))).toEqual(
      holding('environments/dev.ts: account.id: must be a 12-digit AWS account id (got "1111111111112")'),
    );
  });

  it("refuses a project that starts with a digit", () => {
    expect(devProblems((e) => (e.project = "1acme"))).toEqual([
      'environments/dev.ts: project: must be lower-case letters, digits and single hyphens, starting with a letter (got "1acme")',
    ]);
  });

  it("refuses a project that ends in a hyphen", () => {
    expect(devProblems((e) => (e.project = "acme-"))).toEqual(holding('project: must be lower-case letters, digits and single hyphens, starting with a letter (got "acme-")'));
  });

  it("refuses a wildcard parent zone", () => {
    expect(devProblems((e) => ((dns(e).delegation as Mutable).parentZoneName = "*.example.com"))).toEqual(
      holding('environments/dev.ts: dns.delegation.parentZoneName: must not be a wildcard (got "*.example.com")'),
    );
  });

  it("refuses a parent zone id with a character before the Z", () => {
    expect(devProblems((e) => ((dns(e).delegation as Mutable).parentZoneId = "XZ0EXAMPLE"))).toEqual(holding("dns.delegation.parentZoneId: must be a Route 53 hosted zone id"));
  });

  it("refuses a parent zone id with a character Route 53 ids do not have after the Z and its letters", () => {
    expect(devProblems((e) => ((dns(e).delegation as Mutable).parentZoneId = "Z0EXAMPLE!"))).toEqual(holding("dns.delegation.parentZoneId: must be a Route 53 hosted zone id"));
  });

  it("refuses a delegation role ARN with text before arn:", () => {
    expect(devProblems((e) => ((dns(e).delegation as Mutable).roleArn = "xarn:aws:iam::333333333333:role/r"))).toEqual(holding("dns.delegation.roleArn: must be an IAM role ARN"));
  });

  it("refuses a delegation role ARN with a character IAM refuses after the role name", () => {
    expect(devProblems((e) => ((dns(e).delegation as Mutable).roleArn = "arn:aws:iam::333333333333:role/r:x"))).toEqual(holding("dns.delegation.roleArn: must be an IAM role ARN"));
  });

  it("accepts a delegation role ARN of another partition (arn:aws-us-gov:…)", () => {
    const roleArn = "arn:aws-us-gov:iam::333333333333:role/r";
    expect(validDev((e) => ((dns(e).delegation as Mutable).roleArn = roleArn)).dns.delegation?.roleArn).toBe(roleArn);
  });

  it("defaults createHostedZone to false", () => {
    const config = validDev((e) => {
      delete dns(e).createHostedZone;
      delete dns(e).delegation;
    });
    expect(config.dns.createHostedZone).toBe(false);
  });

  it("accepts a wildcard domain name", () => {
    expect(validDev((e) => (dns(e).domainNames = ["*.dev.example.com"])).dns.domainNames).toEqual(["*.dev.example.com"]);
  });

  it("refuses an empty list of domain names", () => {
    expect(devProblems((e) => (dns(e).domainNames = []))).toEqual(holding("environments/dev.ts: dns.domainNames: must list at least one domain name"));
  });

  it("refuses a domain name listed twice", () => {
    expect(devProblems((e) => (dns(e).domainNames = ["dev.example.com", "dev.example.com"]))).toEqual(
      holding('environments/dev.ts: dns.domainNames[1]: is listed twice (got "dev.example.com")'),
    );
  });

  it("accepts the x86_64 architecture", () => {
    expect(validDev((e) => (ssr(e).architecture = "x86_64")).ssr.architecture).toBe("x86_64");
  });

  it("defaults the architecture to arm64", () => {
    expect(validDev((e) => delete ssr(e).architecture).ssr.architecture).toBe("arm64");
  });

  it("accepts nodejs24.x", () => {
    expect(validDev((e) => (ssr(e).runtime = "nodejs24.x")).ssr.runtime).toBe("nodejs24.x");
  });

  it("defaults the runtime to the default Lambda runtime", () => {
    expect(validDev((e) => delete ssr(e).runtime).ssr.runtime).toBe(DEFAULT_LAMBDA_RUNTIME);
  });

  it("accepts reserved concurrency that leaves exactly 100 of the quota unreserved", () => {
    expect(validDev((e) => (ssr(e).reservedConcurrency = 900)).ssr.reservedConcurrency).toBe(900);
  });

  it("accepts variables of exactly Lambda's 4 KB with the stack's own", () => {
    const config = validDev((e) => (ssr(e).environment = { LOG_LEVEL: "debug", BIG: "x".repeat(4001) }));
    expect(Object.keys(config.ssr.environment)).toEqual(["LOG_LEVEL", "BIG"]);
  });

  it.each(["TZDATA", "APP_ENVIRONMENT"])("accepts the variable name %s, which only starts like a reserved one", (name) => {
    expect(Object.keys(validDev((e) => (ssr(e).environment = { [name]: "x" })).ssr.environment)).toEqual([name]);
  });

  it.each(["1ABC", "ABC-"])("refuses the variable name %s, which Lambda refuses", (name) => {
    expect(devProblems((e) => (ssr(e).environment = { [name]: "x" }))).toEqual(
      holding(`environments/dev.ts: ssr.environment.${name}: must be a letter followed by at least one letter, digit or underscore`),
    );
  });

  it.each(["N", "B"])("accepts a partition key of type %s", (type) => {
    expect(validDev((e) => ((tables(e)[1]!.partitionKey as Mutable).type = type)).tables[1]!.partitionKey.type).toBe(type);
  });

  it("accepts billingMode PAY_PER_REQUEST named explicitly", () => {
    expect(validDev((e) => (tables(e)[0]!.billingMode = "PAY_PER_REQUEST")).tables[0]!.billingMode).toBe("PAY_PER_REQUEST");
  });

  it("defaults billingMode to PAY_PER_REQUEST", () => {
    expect(validDev(() => {}).tables[0]!.billingMode).toBe("PAY_PER_REQUEST");
  });

  it("accepts provisioned billing with read and write capacities", () => {
    const config = validDev((e) => Object.assign(tables(e)[0]!, { billingMode: "PROVISIONED", readCapacity: 5, writeCapacity: 5 }));
    expect(config.tables[0]).toMatchObject({ readCapacity: 5, writeCapacity: 5 });
  });

  it("defaults point-in-time recovery to off", () => {
    expect(validDev(() => {}).tables[0]!.pointInTimeRecovery).toBe(false);
  });

  it("defaults deletion protection to off", () => {
    expect(validDev(() => {}).tables[0]!.deletionProtection).toBe(false);
  });

  it("refuses a TTL attribute that is the sort key of type S", () => {
    expect(devProblems((e) => (tables(e)[1]!.ttlAttribute = "sk"))).toEqual(
      holding('environments/dev.ts: tables[1].ttlAttribute: is a key attribute of type S; a TTL attribute must hold a Number (got "sk")'),
    );
  });

  it("accepts a TTL attribute that is a Number key", () => {
    const config = validDev((e) => {
      tables(e)[1]!.sortKey = { name: "expiresAt", type: "N" };
      tables(e)[1]!.ttlAttribute = "expiresAt";
    });
    expect(config.tables[1]!.ttlAttribute).toBe("expiresAt");
  });

  it("has no tables when the file lists none", () => {
    expect(validDev((e) => delete e.tables).tables).toEqual([]);
  });

  it("accepts PriceClass_200", () => {
    expect(validDev((e) => (e.cdn = { priceClass: "PriceClass_200" })).cdn.priceClass).toBe("PriceClass_200");
  });

  it("defaults the price class to PriceClass_100", () => {
    expect(validDev((e) => delete e.cdn).cdn.priceClass).toBe("PriceClass_100");
  });

  it.each([
    ["periodSeconds", 300],
    ["evaluationPeriods", 60],
    ["lambdaThrottles", 5],
    ["lambdaDurationP99TimeoutFraction", 0.9],
    ["lambdaDurationP90TimeoutFraction", 0.4],
    ["lambdaConcurrencyPercent", 50],
    ["api5xxRatePercent", 5],
    ["cloudFront5xxRatePercent", 5],
    ["cloudFront4xxRatePercent", 20],
    ["dynamoThrottledRequests", 5],
    ["dynamoSystemErrors", 5],
  ])("accepts alarms.%s of %s", (field, value) => {
    expect((validDev((e) => (alarms(e)[field] = value)).alarms as Record<string, unknown>)[field]).toBe(value);
  });

  it("accepts one evaluation period with one datapoint to alarm", () => {
    const config = validDev((e) => Object.assign(alarms(e), { evaluationPeriods: 1, datapointsToAlarm: 1 }));
    expect([config.alarms.evaluationPeriods, config.alarms.datapointsToAlarm]).toEqual([1, 1]);
  });

  it("accepts datapointsToAlarm equal to evaluationPeriods", () => {
    const config = validDev((e) => Object.assign(alarms(e), { evaluationPeriods: 60, datapointsToAlarm: 60 }));
    expect(config.alarms.datapointsToAlarm).toBe(60);
  });

  it("refuses datapointsToAlarm above evaluationPeriods", () => {
    expect(devProblems((e) => Object.assign(alarms(e), { evaluationPeriods: 2, datapointsToAlarm: 3 }))).toEqual([
      "environments/dev.ts: alarms.datapointsToAlarm: must not exceed alarms.evaluationPeriods (2) (got 3)",
    ]);
  });

  it("lists CloudWatch's retention periods when refusing one", () => {
    expect(devProblems((e) => (e.logRetentionDays = 10))).toEqual([
      `environments/dev.ts: logRetentionDays: must be one of CloudWatch's retention periods: ${LOG_RETENTION_DAYS.join(", ")} (got 10)`,
    ]);
  });

  it.each([
    ["workspaceId", "xT0EXAMPLE1", "must be a Slack workspace id such as T0123ABCD"],
    ["workspaceId", "T0EXAMPLE1x", "must be a Slack workspace id such as T0123ABCD"],
    ["channelId", "xC0DEVALERTS", "must be a Slack channel id such as C0123ABCD"],
    ["channelId", "C0DEVALERTSx", "must be a Slack channel id such as C0123ABCD"],
  ])("refuses the Slack %s %s", (field, value, message) => {
    expect(devProblems((e) => (slack(e)[field] = value))).toEqual([`environments/dev.ts: slack.${field}: ${message} (got "${value}")`]);
  });

  it("defaults the AWS Chatbot region to us-east-2", () => {
    expect(validDev(() => {}).slack?.chatbotRegion).toBe("us-east-2");
  });

  it("accepts 46 tags, the most that fit beside the workspace's four", () => {
    const config = validDev((e) => (e.tags = Object.fromEntries(Array.from({ length: 46 }, (_, i) => [`Tag${i}`, "x"]))));
    expect(Object.keys(config.tags)).toHaveLength(46);
  });

  it("accepts a policy suppression with a rule, a resource and a reason", () => {
    const suppression = { rule: "S3-1", resource: "aws_s3_bucket.Assets", reason: "the bucket is public by design" };
    expect(validDev((e) => (e.policySuppressions = [suppression])).policySuppressions).toEqual([suppression]);
  });

  it("lists the policy rules when a suppression names an unknown one", () => {
    const suppression = { rule: "S3-99", resource: "aws_s3_bucket.Assets", reason: "the bucket is public by design" };
    expect(devProblems((e) => (e.policySuppressions = [suppression]))).toEqual([
      `environments/dev.ts: policySuppressions[0].rule: must be the id of a policy rule: one of ${POLICY_RULE_IDS.join(", ")} (docs/policy.md lists them) (got "S3-99")`,
    ]);
  });

  it("refuses a suppression whose reason is only spaces", () => {
    const suppression = { rule: "S3-1", resource: "aws_s3_bucket.Assets", reason: " ".repeat(12) };
    expect(devProblems((e) => (e.policySuppressions = [suppression]))).toEqual(holding("policySuppressions[0].reason: must explain why the rule does not apply"));
  });

  it("has no policy suppressions when the file lists none", () => {
    expect(validDev(() => {}).policySuppressions).toEqual([]);
  });

  it("accepts a canary of exactly 20 minutes", () => {
    const canary = { percent: 10, steps: 4, stepMinutes: 5 };
    expect(validDev((e) => (deploy(e).canary = canary)).deploy.canary).toEqual(canary);
  });

  it("defaults rollbackOnFailure to false", () => {
    expect(validDev(() => {}).deploy.rollbackOnFailure).toBe(false);
  });
});

describe("the physical names an environment makes", () => {
  const env = (project: string) => ({ project, name: "dev", account: { id: "111111111111" } });

  it("are reported on name when one is longer than AWS allows", () => {
    const project = "p".repeat(60);
    expect(physicalNameProblems(env(project), [])).toContainEqual([
      ["name"],
      `makes the Lambda function name "${project}-dev-ssr" 68 characters long; Lambda CreateFunction allows 64`,
    ]);
  });

  it("are reported on the table's name when a table name is longer than DynamoDB allows", () => {
    const table = "t".repeat(250);
    expect(physicalNameProblems(env("acme-web"), [{ name: "ok" }, { name: table }])).toEqual([
      [["tables", 1, "name"], `makes the table name "acme-web-dev-${table}", which must be 3 to 255 characters long (is 263)`],
    ]);
  });
});

describe("the rules between environments", () => {
  /** A copy of staging named `name`, in its own zone, changed by `mutate`. */
  const sibling = (name: string, mutate: (env: Mutable) => void = () => {}) =>
    variant(stagingConfig, name, (e) => {
      e.name = name;
      dns(e).hostedZoneName = `${name}.example.com`;
      dns(e).domainNames = [`${name}.example.com`];
      mutate(e);
    });
  const resourceNameProblems = (sources: EnvironmentSource[]) =>
    problemsOf(sources).filter((p) => p.includes(": name: its resource names start with")).map((p) => p.split(":")[0]);
  const concurrencyProblems = (sources: EnvironmentSource[]) =>
    problemsOf(sources).filter((p) => p.includes("ssr.reservedConcurrency: the environments in account"));

  it("sort the environments of one wave by name whatever the files' order", () => {
    expect(validateEnvironments([sibling("qa"), sibling("staging"), variant(devConfig, "dev", () => {})]).map((e) => e.name)).toEqual(["dev", "qa", "staging"]);
  });

  it("apply the pipeline rules when called without saying the list is complete", () => {
    const prodAlone = validateEnvironments(all({})).find((e) => e.name === "prod")!;
    expect(crossEnvironmentProblems([{ file: "environments/prod.ts", config: prodAlone }])).toEqual(holding("environments/prod.ts: deploy.wave: a protected environment must deploy after"));
  });

  it("refuse two environments of one name", () => {
    const sources = [variant(devConfig, "dev", () => {}), variant(devConfig, "qa", (e) => (dns(e).domainNames = ["qa.dev.example.com"]))];
    expect(problemsOf(sources)).toEqual(holding('environments/qa.ts: name: environment name is already used by environments/dev.ts (got "dev")'));
  });

  it("report equal resource name prefixes once, on the later file", () => {
    const webDev = variant(devConfig, "web-dev", (e) => {
      e.name = "web-dev";
      e.project = "acme";
      dns(e).domainNames = ["web.dev.example.com"];
    });
    expect(resourceNameProblems([variant(devConfig, "dev", () => {}), webDev])).toEqual(["environments/web-dev.ts"]);
  });

  it("report a prefix that starts another once, on the longer one", () => {
    const devEu = variant(devConfig, "dev-eu", (e) => {
      e.name = "dev-eu";
      dns(e).domainNames = ["eu.dev.example.com"];
    });
    expect(resourceNameProblems([devEu, variant(devConfig, "dev", () => {})])).toEqual(["environments/dev-eu.ts"]);
  });

  it("accept two environments sharing a zone that only one of them creates", () => {
    const qa = variant(devConfig, "qa", (e) => {
      e.name = "qa";
      dns(e).createHostedZone = false;
      delete dns(e).delegation;
      dns(e).domainNames = ["qa.dev.example.com"];
    });
    expect(validateEnvironments([variant(devConfig, "dev", () => {}), qa]).map((e) => e.name)).toEqual(["dev", "qa"]);
  });

  it("accept a lock table named like a table of an environment in another account", () => {
    const sources = all({ dev: (e) => (state(e).lockTable = "acme-web-staging-sessions") });
    expect(validateEnvironments(sources).map((e) => e.name)).toEqual(["dev", "staging", "prod"]);
  });

  it("accept a lock table named like a table of the same account in another Region", () => {
    const qa = variant(devConfig, "qa", (e) => {
      e.name = "qa";
      (e.account as Mutable).region = "us-east-2";
      dns(e).hostedZoneName = "qa.example.com";
      dns(e).domainNames = ["qa.example.com"];
      state(e).bucket = "acme-web-tfstate-qa-111111111111";
    });
    const sources = [variant(devConfig, "dev", (e) => (state(e).lockTable = "acme-web-qa-sessions")), qa];
    expect(validateEnvironments(sources).map((e) => e.name)).toEqual(["dev", "qa"]);
  });

  it("report an account's reservations only on the environments that reserve", () => {
    const sources = [
      sibling("staging", (e) => (ssr(e).reservedConcurrency = 500)),
      sibling("stg-two", (e) => (ssr(e).reservedConcurrency = 450)),
      sibling("stg-three", (e) => (ssr(e).reservedConcurrency = null)),
    ];
    expect(concurrencyProblems(sources).map((p) => p.split(":")[0])).toEqual(["environments/staging.ts", "environments/stg-two.ts"]);
  });

  it("check an account's reservations against the smaller of two quotas given for it", () => {
    const sources = [
      sibling("staging", (e) => (ssr(e).reservedConcurrency = 500)),
      sibling("stg-two", (e) => {
        ssr(e).reservedConcurrency = 450;
        (e.account as Mutable).lambdaConcurrencyLimit = 2000;
      }),
    ];
    expect(concurrencyProblems(sources)).toEqual(holding("of the quota 1000 (got 450)"));
  });

  it("accept reservations that leave exactly 100 of the account's quota unreserved", () => {
    const sources = [sibling("staging", (e) => (ssr(e).reservedConcurrency = 450)), sibling("stg-two", (e) => (ssr(e).reservedConcurrency = 450))];
    expect(validateEnvironments(sources).map((e) => e.name)).toEqual(["staging", "stg-two"]);
  });

  it("compare GitHub environment names without case when the rollback has its own", () => {
    const sources = all({
      staging: (e) => Object.assign(deploy(e), { githubEnvironment: "Production", rollbackGithubEnvironment: "staging-rollback" }),
    });
    expect(problemsOf(sources)).toEqual(holding("environments/prod.ts: deploy.githubEnvironment: is already the GitHub environment of environments/staging.ts"));
  });

  it("compare rollback GitHub environment names without case", () => {
    const sources = all({ staging: (e) => (deploy(e).rollbackGithubEnvironment = "Production-Rollback") });
    expect(problemsOf(sources)).toEqual(holding("environments/prod.ts: deploy.rollbackGithubEnvironment: is already the GitHub environment of environments/staging.ts"));
  });

  it("name the first environment that took a GitHub environment", () => {
    const shared = (e: Mutable) => (deploy(e).githubEnvironment = "shared");
    const problems = problemsOf(all({ dev: shared, staging: shared, prod: shared }));
    expect(problems.filter((p) => p.startsWith("environments/prod.ts: deploy.githubEnvironment:"))).toEqual([
      'environments/prod.ts: deploy.githubEnvironment: is already the GitHub environment of environments/dev.ts; each environment needs its own, which its role trusts (got "shared")',
    ]);
  });

  it("list every missing wave", () => {
    expect(devProblems((e) => (deploy(e).wave = 3))).toEqual(holding("environments/dev.ts: deploy.wave: no environment is in wave 1, 2; number"));
  });
});
