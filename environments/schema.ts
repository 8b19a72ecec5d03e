/**
 * The environment contract: every field a stack or script may read, validated strictly.
 *
 * Environment files (dev.ts, staging.ts, …) are plain data typed as `EnvironmentInput`;
 * `loadEnvironments()` in index.ts parses them with `EnvironmentSchema` and applies the
 * rules that span environments. Stacks never branch on an environment's name: every
 * difference between environments is a field here.
 */
import { z } from "zod";
import { isAwsRegion } from "../lib/aws-regions";
import { DEFAULT_LAMBDA_RUNTIME, LAMBDA_RUNTIMES_SOURCE, NODEJS_RUNTIME_IDS } from "../lib/lambda-runtimes";
import {
  alarmTopicKeyAlias,
  alarmTopicName,
  apiAccessLogGroupName,
  assetsBucketName,
  chatbotConfigurationName,
  chatbotRoleName,
  dashboardName,
  edgeAlarmTopicName,
  httpApiName,
  lambdaLogGroupName,
  ssrFunctionName,
  ssrRoleName,
  ssrStackVariables,
  STACK_KINDS,
  tableConstructId,
  tableName,
  type NamingInput,
} from "../lib/naming";
import { POLICY_RULE_IDS } from "../lib/policy-rule-ids";
import { WORKSPACE_TAG_KEYS } from "../lib/tags";
import {
  dnsNameProblems,
  dynamoAttributeNameProblems,
  dynamoTableNameProblems,
  GITHUB_ENVIRONMENT_NAME,
  LAMBDA_ENVIRONMENT_MAX_BYTES,
  LAMBDA_VARIABLE_NAME,
  lambdaEnvironmentBytes,
  NAME_RULES,
  nameRuleProblems,
  s3BucketNameProblems,
  tagKeyProblems,
  TAGS_PER_RESOURCE_MAX,
  tagValueProblems,
} from "./rules/aws-names";

/** Lower-case words joined by hyphens: safe inside bucket, function and table names. */
const SLUG = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * The retention periods CloudWatch Logs accepts; anything else fails at apply time.
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
 */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
  2922, 3288, 3653,
] as const;

/**
 * Lambda refuses a reservation that leaves fewer than this many executions unreserved, per
 * account and Region ("Lambda function scaling": reserved concurrency).
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
 */
export const UNRESERVED_CONCURRENCY_MINIMUM = 100;

/**
 * ACM's default quota of domain names per certificate (the certificate holds every
 * `dns.domainNames` entry); more fails RequestCertificate with LimitExceededException.
 * https://docs.aws.amazon.com/acm/latest/userguide/acm-limits.html
 */
export const ACM_DOMAIN_NAMES_PER_CERTIFICATE = 10;

/** deploy.yml has a job per wave (`deploy-wave-1` … `deploy-wave-3`); more waves need more jobs there. */
export const MAX_DEPLOY_WAVES = 3;

/**
 * The deploy job's release step waits out the whole canary within its timeout
 * (deploy-environment.yml: 30 minutes), so a canary's steps × stepMinutes stays at most this.
 */
export const MAX_CANARY_MINUTES = 20;

/**
 * Variables Lambda sets itself (AWS_*, LAMBDA_*, _HANDLER, …) or the app stack sets
 * (APP_ENV, TABLE_<name>): configuring them would fail at apply or be silently replaced.
 */
const RESERVED_VARIABLE = /^(AWS_|LAMBDA_|_|TZ$|APP_ENV$|TABLE_)/;

const slug = (maxLength: number) =>
  z
    .string()
    .max(maxLength, `must be at most ${maxLength} characters`)
    .regex(SLUG, "must be lower-case letters, digits and single hyphens, starting with a letter");

/** A string checked by a rule that returns its problems (one issue each). */
const checkedString = (problemsOf: (value: string) => string[]) =>
  z.string().superRefine((value, ctx) => {
    // An object, not the message alone: zod lets the checks after it run only for an object
    // issue (`continue`), so the environment-wide rules still report. The code is not shown.
    // Stryker disable next-line StringLiteral: equivalent, formatIssue only tells invalid_type, invalid_key and unrecognized_keys apart
    for (const message of problemsOf(value)) ctx.addIssue({ code: "custom", message });
  });

const awsRegion = z.string().refine(isAwsRegion, {
  message: "must be an AWS Region of the aws partition, such as eu-west-1 (lib/aws-regions.ts lists them)",
});

const AccountSchema = z.strictObject({
  /** The 12-digit AWS account id the environment deploys into. */
  id: z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id"),
  /** Region of the stacks (CloudFront's certificate and metrics always live in us-east-1). */
  region: awsRegion,
  /** The account's Lambda concurrent-executions quota; reserved concurrency must fit under it. */
  lambdaConcurrencyLimit: z.number().int().min(UNRESERVED_CONCURRENCY_MINIMUM).default(1000),
});

/**
 * Where a created zone is delegated from: the workspace writes the zone's NS record into the
 * parent zone, in the parent's account, through a role there (docs/stacks-and-state.md, "DNS delegation").
 */
const DnsDelegationSchema = z.strictObject({
  /** The parent zone, e.g. `example.com` for `dev.example.com`. */
  parentZoneName: checkedString((name) => dnsNameProblems(name)),
  /** Its Route 53 hosted zone id; the role may change this zone only, so it is not looked up. */
  parentZoneId: z.string().regex(/^Z[A-Z0-9]{1,31}$/, "must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ"),
  /** Role in the parent zone's account that may write this zone's NS record (and nothing else). */
  roleArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, "must be an IAM role ARN such as arn:aws:iam::333333333333:role/acme-web-dns-delegation"),
});

const DnsSchema = z.strictObject({
  /** Public Route 53 hosted zone that holds the environment's records, e.g. `example.com`. */
  hostedZoneName: checkedString((name) => dnsNameProblems(name)),
  /**
   * True: the environment's dns stack creates the zone. False: the zone exists already (made
   * by hand or by another workspace) and is looked up by name.
   */
  createHostedZone: z.boolean().default(false),
  /** Only with createHostedZone: write the zone's NS delegation into its parent zone. */
  delegation: DnsDelegationSchema.optional(),
  /** The names the site answers on; the first is the certificate's primary name. */
  domainNames: z
    .array(checkedString((name) => dnsNameProblems(name, { wildcard: true })))
    .min(1, "must list at least one domain name")
    .max(
      ACM_DOMAIN_NAMES_PER_CERTIFICATE,
      `must list at most ${ACM_DOMAIN_NAMES_PER_CERTIFICATE} names: ACM's default quota of domain names per certificate`,
    ),
});

const StateBackendSchema = z.strictObject({
  /** S3 bucket holding Terraform state, created once per account by `npm run bootstrap`. */
  bucket: checkedString(s3BucketNameProblems),
  region: awsRegion,
  /** Optional DynamoDB lock table, for Terraform versions older than 1.10 that lack `use_lockfile`. */
  lockTable: checkedString(dynamoTableNameProblems).optional(),
});

const SsrFunctionSchema = z.strictObject({
  /**
   * Runtime of every function the app stack creates. Past its block-update date synth refuses
   * it (lambdaRuntimeStatus in lib/lambda-runtimes.ts); the schema only checks that it is a
   * Node.js runtime in that table.
   */
  runtime: z
    .enum(NODEJS_RUNTIME_IDS, {
      error: `must be a Lambda Node.js runtime this workspace knows: ${NODEJS_RUNTIME_IDS.join(", ")} (LAMBDA_RUNTIMES in lib/lambda-runtimes.ts, from ${LAMBDA_RUNTIMES_SOURCE})`,
    })
    .default(DEFAULT_LAMBDA_RUNTIME),
  architecture: z.enum(["arm64", "x86_64"]).default("arm64"),
  memoryMiB: z.number().int().min(128).max(10240).default(1024),
  /** CloudFront waits at most 60 s for an origin, so a longer Lambda timeout is never useful. */
  timeoutSeconds: z.number().int().min(1).max(60).default(10),
  /** Reserved concurrency; `null` leaves the function on the account's unreserved pool. */
  reservedConcurrency: z.number().int().min(1).nullable().default(null),
  /** Non-secret environment variables. Secrets belong in SSM/Secrets Manager, never here. */
  /** The 4 KB Lambda allows for all variables is checked with the stack's own (below). */
  environment: z
    .record(
      z
        .string()
        .regex(LAMBDA_VARIABLE_NAME, "must be a letter followed by at least one letter, digit or underscore, as Lambda requires")
        .refine((name) => !RESERVED_VARIABLE.test(name), {
          message: "is reserved (AWS_*, LAMBDA_*, _*, TZ are set by Lambda; APP_ENV and TABLE_* by the app stack)",
        }),
      z.string(),
    )
    .default({}),
});

const HttpApiSchema = z.strictObject({
  /** Steady-state requests per second across the API's routes. */
  throttlingRateLimit: z.number().int().min(1).default(50),
  /** Requests allowed in a burst above the rate. */
  throttlingBurstLimit: z.number().int().min(1).default(100),
});

const KeySchema = z.strictObject({
  name: checkedString(dynamoAttributeNameProblems),
  type: z.enum(["S", "N", "B"]),
});

const TableSchema = z.strictObject({
  /** Logical name; the physical name is `<project>-<env>-<name>` (lib/naming.ts). */
  name: slug(40),
  partitionKey: KeySchema,
  sortKey: KeySchema.optional(),
  billingMode: z.enum(["PAY_PER_REQUEST", "PROVISIONED"]).default("PAY_PER_REQUEST"),
  /** Only with PROVISIONED billing. */
  readCapacity: z.number().int().min(1).optional(),
  writeCapacity: z.number().int().min(1).optional(),
  /** Attribute holding an epoch-seconds expiry; absent means no TTL. */
  ttlAttribute: checkedString(dynamoAttributeNameProblems).optional(),
  pointInTimeRecovery: z.boolean().default(false),
  deletionProtection: z.boolean().default(false),
});

const CdnSchema = z.strictObject({
  priceClass: z.enum(["PriceClass_100", "PriceClass_200", "PriceClass_All"]).default("PriceClass_100"),
});

/** Alarm thresholds; the monitoring construct reads these, so the canary and dashboards agree. */
const AlarmsSchema = z.strictObject({
  periodSeconds: z.union([z.literal(60), z.literal(300)]).default(60),
  evaluationPeriods: z.number().int().min(1).max(60).default(5),
  datapointsToAlarm: z.number().int().min(1).max(60).default(3),
  lambdaErrorRatePercent: z.number().positive().max(100).default(1),
  lambdaThrottles: z.number().int().min(1).default(1),
  /** Duration p99 alarms at this fraction of the function timeout. */
  lambdaDurationP99TimeoutFraction: z.number().positive().max(1).default(0.8),
  lambdaDurationP90TimeoutFraction: z.number().positive().max(1).default(0.5),
  /** Concurrent executions alarm at this percentage of reserved concurrency. */
  lambdaConcurrencyPercent: z.number().positive().max(100).default(80),
  api5xxRatePercent: z.number().positive().max(100).default(1),
  apiLatencyP95Ms: z.number().int().positive().default(1000),
  apiLatencyP99Ms: z.number().int().positive().default(3000),
  cloudFront5xxRatePercent: z.number().positive().max(100).default(1),
  cloudFront4xxRatePercent: z.number().positive().max(100).default(10),
  dynamoThrottledRequests: z.number().int().min(1).default(1),
  dynamoSystemErrors: z.number().int().min(1).default(1),
});

/** Regions that serve the AWS Chatbot API (see the AWS Chatbot API reference). */
export const CHATBOT_API_REGIONS = ["us-east-2", "us-west-2", "eu-west-1", "ap-southeast-1"] as const;

const SlackSchema = z.strictObject({
  /** Slack workspace (team) id, e.g. T0123ABCD; authorise it once in the AWS Chatbot console. */
  workspaceId: z.string().regex(/^T[A-Z0-9]{6,}$/, "must be a Slack workspace id such as T0123ABCD"),
  channelId: z.string().regex(/^[CG][A-Z0-9]{6,}$/, "must be a Slack channel id such as C0123ABCD"),
  /**
   * Region whose AWS Chatbot API holds the channel configuration. The API exists only in
   * these regions (the console only in us-east-2); the configuration still relays topics
   * from any region.
   */
  chatbotRegion: z.enum(CHATBOT_API_REGIONS).default("us-east-2"),
});

/**
 * Silences one policy rule (`npm run policy`) for one resource of this environment. Every
 * suppression is listed in the policy report, and one that matches nothing is a warning;
 * one naming a rule that does not exist is a config error here.
 */
const PolicySuppressionSchema = z.strictObject({
  /** Rule id, e.g. `S3-1` (docs/policy.md lists them). */
  rule: z.enum(POLICY_RULE_IDS, {
    error: `must be the id of a policy rule: one of ${POLICY_RULE_IDS.join(", ")} (docs/policy.md lists them)`,
  }),
  /**
   * The resource as the policy report names it: its Terraform address inside the stack
   * (`aws_s3_bucket.Assets_Bucket_B348DC00`) or its construct path (`Assets/Bucket`).
   */
  resource: z.string().min(1),
  /** Only in this stack of the environment; by default in any of them. */
  stack: z.enum(STACK_KINDS).optional(),
  /** Why the rule does not apply here; shown next to the suppressed violation. */
  reason: z.string().trim().min(10, "must explain why the rule does not apply (at least 10 characters)"),
});

const githubEnvironmentName = z
  .string()
  .regex(
    GITHUB_ENVIRONMENT_NAME,
    "must be a GitHub environment name: 1 to 255 letters, digits, dots, hyphens and underscores, starting with a letter or digit",
  );

/** A release that shifts traffic in steps, watching the environment's alarms (`release --canary`). */
const CanarySchema = z
  .strictObject({
    /** Share of traffic the new version gets in the first step (`--canary`); later steps rise linearly. */
    percent: z.number().int().min(1).max(99),
    /** How many steps before all traffic moves (`--steps`). */
    steps: z.number().int().min(1).max(20),
    /** Minutes each step waits, watching the alarms (`--step-minutes`). */
    stepMinutes: z.number().int().min(1).max(120),
  })
  .refine((canary) => canary.steps * canary.stepMinutes <= MAX_CANARY_MINUTES, {
    path: ["stepMinutes"],
    message: `makes steps × stepMinutes exceed ${MAX_CANARY_MINUTES} minutes, the most the deploy job's release step (timeout 30 minutes) waits`,
  });

/**
 * Where the environment sits in the pipeline (deploy.yml). Environments of one wave deploy
 * in parallel from the same build; a wave starts once every environment of the wave before
 * it deployed (and passed its E2E run, where it has one).
 */
const DeploySchema = z.strictObject({
  /** 1 for the first wave; waves are numbered without gaps. */
  wave: z.number().int().min(1).max(MAX_DEPLOY_WAVES),
  /**
   * Run the Playwright E2E suite against the environment right after its release, inside its
   * deploy job, and check afterwards that it still serves the version that was tested. Later
   * waves only start when it passed: this is the E2E gate.
   */
  e2e: z.boolean().default(false),
  /** When a step fails after the release (E2E included), roll the environment back at once. */
  rollbackOnFailure: z.boolean().default(false),
  /** Release as a canary instead of moving all traffic at once. */
  canary: CanarySchema.optional(),
  /**
   * GitHub environment the deploy job runs in: its protection rules (required reviewers) gate
   * the deploy, and the deploy role trusts its OIDC subject. Required for protected
   * environments. @default the environment's name
   */
  githubEnvironment: githubEnvironmentName.optional(),
  /**
   * GitHub environment of the Rollback workflow's job. Give protected environments one
   * without required reviewers, so an emergency rollback never waits for an approval.
   * @default deploy.githubEnvironment
   */
  rollbackGithubEnvironment: githubEnvironmentName.optional(),
});

export const EnvironmentSchema = z
  .strictObject({
    /** Environment name: the stack id prefix and part of every physical name. */
    name: slug(12),
    /**
     * Project name: the other part of every physical name. With the 12-character env name
     * the longest, `<project>-<env>-assets-<account>`, stays within S3's 63 characters.
     */
    project: slug(20),
    /**
     * A protected environment gets the strictest checks: tables must keep deletion protection
     * and point-in-time recovery, the SSR function needs reserved concurrency, and plan
     * review refuses destructive changes without explicit approval.
     */
    protected: z.boolean().default(false),
    account: AccountSchema,
    deploy: DeploySchema,
    dns: DnsSchema,
    state: StateBackendSchema,
    ssr: SsrFunctionSchema.prefault({}),
    api: HttpApiSchema.prefault({}),
    tables: z.array(TableSchema).default([]),
    cdn: CdnSchema.prefault({}),
    alarms: AlarmsSchema.prefault({}),
    logRetentionDays: z
      .number()
      .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
        message: `must be one of CloudWatch's retention periods: ${LOG_RETENTION_DAYS.join(", ")}`,
      })
      .default(30),
    slack: SlackSchema.optional(),
    /** Extra tags on every resource, besides the workspace's own (lib/tags.ts). */
    tags: z
      .record(
        checkedString(tagKeyProblems).refine((key) => !(WORKSPACE_TAG_KEYS as readonly string[]).includes(key), {
          message: `is set by the workspace on every resource (${WORKSPACE_TAG_KEYS.join(", ")}); choose another key`,
        }),
        checkedString(tagValueProblems),
      )
      .refine((tags) => Object.keys(tags).length <= TAGS_PER_RESOURCE_MAX - WORKSPACE_TAG_KEYS.length, {
        message: `must hold at most ${TAGS_PER_RESOURCE_MAX - WORKSPACE_TAG_KEYS.length} tags: AWS allows ${TAGS_PER_RESOURCE_MAX} per resource and the workspace adds ${WORKSPACE_TAG_KEYS.length}`,
      })
      .default({}),
    policySuppressions: z.array(PolicySuppressionSchema).default([]),
  })
  .superRefine((env, ctx) => {
    const problem = (path: (string | number)[], message: string) =>
      // Stryker disable next-line StringLiteral: equivalent, an issue's code is not shown; formatIssue only tells invalid_type, invalid_key and unrecognized_keys apart
      ctx.addIssue({ code: "custom", path, message });

    env.tables.forEach((table, i) => {
      if (env.protected && !table.deletionProtection) {
        problem(["tables", i, "deletionProtection"], "must be true in a protected environment");
      }
      if (env.protected && !table.pointInTimeRecovery) {
        problem(["tables", i, "pointInTimeRecovery"], "must be true in a protected environment");
      }
      const provisioned = table.billingMode === "PROVISIONED";
      for (const field of ["readCapacity", "writeCapacity"] as const) {
        if (provisioned && table[field] === undefined) {
          problem(["tables", i, field], "is required when billingMode is PROVISIONED");
        }
        if (!provisioned && table[field] !== undefined) {
          problem(["tables", i, field], "is only allowed when billingMode is PROVISIONED");
        }
      }
      if (table.sortKey && table.sortKey.name === table.partitionKey.name) {
        problem(["tables", i, "sortKey", "name"], "must differ from the partition key name");
      }
      const duplicate = env.tables.findIndex((other) => other.name === table.name);
      if (duplicate !== i) {
        problem(["tables", i, "name"], `duplicates tables[${duplicate}].name`);
      } else {
        const sameId = env.tables.findIndex((other) => tableConstructId(other.name) === tableConstructId(table.name));
        if (sameId !== i) {
          problem(
            ["tables", i, "name"],
            `gets the same construct id (${tableConstructId(table.name)}) as tables[${sameId}].name "${env.tables[sameId]!.name}"; rename one`,
          );
        }
      }
      const keys = table.sortKey ? [table.partitionKey, table.sortKey] : [table.partitionKey];
      const ttlKeyType = new Map<string | undefined, string>(keys.map((k) => [k.name, k.type])).get(table.ttlAttribute);
      if (ttlKeyType !== undefined && ttlKeyType !== "N") {
        // DynamoDB expires items by a Number attribute of epoch seconds; a key of another type never expires anything.
        problem(["tables", i, "ttlAttribute"], `is a key attribute of type ${ttlKeyType}; a TTL attribute must hold a Number`);
      }
    });

    if (env.alarms.datapointsToAlarm > env.alarms.evaluationPeriods) {
      // CloudWatch rejects an "M of N" alarm whose M exceeds N.
      problem(
        ["alarms", "datapointsToAlarm"],
        `must not exceed alarms.evaluationPeriods (${env.alarms.evaluationPeriods})`,
      );
    }

    const reserved = env.ssr.reservedConcurrency;
    const limit = env.account.lambdaConcurrencyLimit;
    if ((reserved ?? 0) > limit - UNRESERVED_CONCURRENCY_MINIMUM) {
      problem(
        ["ssr", "reservedConcurrency"],
        `must leave ${UNRESERVED_CONCURRENCY_MINIMUM} of account.lambdaConcurrencyLimit (${limit}) unreserved, as Lambda requires`,
      );
    }
    if (env.protected && reserved === null) {
      problem(["ssr", "reservedConcurrency"], "must be set in a protected environment");
    }

    const { delegation } = env.dns;
    if (delegation && !env.dns.createHostedZone) {
      problem(["dns", "delegation"], "is only allowed with dns.createHostedZone: true (a zone made elsewhere is delegated where it was made)");
    }
    if (delegation && !env.dns.hostedZoneName.endsWith(`.${delegation.parentZoneName}`)) {
      problem(["dns", "delegation", "parentZoneName"], `must be a parent of dns.hostedZoneName ${env.dns.hostedZoneName}`);
    }

    const variables = { ...env.ssr.environment, ...ssrStackVariables(env) };
    const variableBytes = lambdaEnvironmentBytes(variables);
    if (variableBytes > LAMBDA_ENVIRONMENT_MAX_BYTES) {
      problem(
        ["ssr", "environment"],
        `with the stack's own variables (APP_ENV, TABLE_*) makes ${variableBytes} bytes of names and values; Lambda allows ${LAMBDA_ENVIRONMENT_MAX_BYTES} in all`,
      );
    }

    if (env.protected && env.deploy.githubEnvironment === undefined) {
      problem(
        ["deploy", "githubEnvironment"],
        "must name the GitHub environment whose required reviewers approve deploys of a protected environment",
      );
    }

    for (const [path, message] of physicalNameProblems(env, env.tables)) problem(path, message);

    env.dns.domainNames.forEach((domain, i) => {
      const zone = env.dns.hostedZoneName;
      if (domain !== zone && !domain.endsWith(`.${zone}`)) {
        problem(["dns", "domainNames", i], `must be inside the hosted zone ${zone}`);
      }
      if (env.dns.domainNames.indexOf(domain) !== i) {
        problem(["dns", "domainNames", i], "is listed twice");
      }
    });
  });

/**
 * The physical names lib/naming.ts makes from `project` and `name`, against what AWS accepts
 * for each (reported on `name`: the part that usually makes a name too long; a table's on its
 * own name). With the schema's limits on `project`, `name` and table names today's names all
 * fit; this guards the day lib/naming.ts makes a longer one, so it is tested on its own.
 */
export function physicalNameProblems(env: NamingInput, tables: readonly { readonly name: string }[]): [(string | number)[], string][] {
  const topic = alarmTopicName(env);
  const edgeTopic = edgeAlarmTopicName(env);
  const names: [keyof typeof NAME_RULES, string][] = [
    ["lambdaFunction", ssrFunctionName(env)],
    ["iamRole", ssrRoleName(env)],
    ["iamRole", chatbotRoleName(env)],
    ["logGroup", lambdaLogGroupName(ssrFunctionName(env))],
    ["logGroup", apiAccessLogGroupName(httpApiName(env))],
    ["httpApi", httpApiName(env)],
    ["snsTopic", topic],
    ["snsTopic", edgeTopic],
    ["kmsAlias", alarmTopicKeyAlias(topic)],
    ["kmsAlias", alarmTopicKeyAlias(edgeTopic)],
    ["dashboard", dashboardName(env)],
    ["chatbotConfiguration", chatbotConfigurationName(env)],
  ];
  const problems: [(string | number)[], string][] = names.flatMap(([rule, name]) =>
    nameRuleProblems(NAME_RULES[rule], name).map((message): [(string | number)[], string] => [["name"], message]),
  );
  const bucket = assetsBucketName(env);
  for (const message of s3BucketNameProblems(bucket)) {
    problems.push([["name"], `makes the assets bucket name "${bucket}", which ${message}`]);
  }
  tables.forEach((table, i) => {
    for (const message of dynamoTableNameProblems(tableName(env, table.name))) {
      problems.push([["tables", i, "name"], `makes the table name "${tableName(env, table.name)}", which ${message}`]);
    }
  });
  return problems;
}

/** What an environment file holds: defaults may be omitted. */
export type EnvironmentInput = z.input<typeof EnvironmentSchema>;
/** A validated environment with every default filled in. */
export type EnvironmentConfig = z.output<typeof EnvironmentSchema>;
export type TableConfig = EnvironmentConfig["tables"][number];
export type AlarmThresholds = EnvironmentConfig["alarms"];
