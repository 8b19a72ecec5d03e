import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { LambdaEventSourceMapping } from "@cdktf/provider-aws/lib/lambda-event-source-mapping";
import { LambdaInvocation } from "@cdktf/provider-aws/lib/lambda-invocation";
import type { Construct } from "constructs";
import { UNRESERVED_CONCURRENCY_MINIMUM, type EnvironmentConfig } from "../environments/schema";
import type { AppBuildDescription, AppFunction as BuildFunction, EnvironmentValue, FunctionGrant } from "../lib/app-build/description";
import { SERVER_FUNCTION_ID } from "../lib/app-build/description";
import { DEFAULT_PACKAGE_CACHE_DIR, packageFunction } from "../lib/app-build/package";
import { UserError } from "../lib/errors";
import { EncryptedTable } from "../modules/dynamodb-table";
import { EncryptedQueue } from "../modules/encrypted-queue";
import { LambdaHttpApi } from "../modules/http-api";
import { AppFunction } from "../modules/app-function";
import { EncryptedAlarmTopic } from "../modules/monitoring/alarm-topic";
import { DynamodbTableAlarms } from "../modules/monitoring/dynamodb-table-alarms";
import { HttpApiAlarms } from "../modules/monitoring/http-api-alarms";
import { LambdaFunctionAlarms } from "../modules/monitoring/lambda-function-alarms";
import type { AlarmSet } from "../modules/monitoring/metric-alarm";
import {
  alarmName,
  alarmNamePrefix,
  alarmTopicKeyAlias,
  alarmTopicName,
  assetsBucketName,
  buildDeadLetterQueueName,
  buildQueueName,
  buildTableName,
  functionName,
  functionRoleName,
  httpApiName,
  LIVE_ALIAS,
  tableConstructId,
  tableName,
  tableVariableName,
} from "../lib/naming";
import { pascalCase } from "../lib/construct-id";
import { EnvironmentStack } from "./environment-stack";

export interface AppStackOptions {
  /** What to deploy: the app build's description (lib/app-build). */
  readonly appBuild: AppBuildDescription;
  /**
   * Where Lambda packages are cached by content.
   * @default .cache/function-packages in the workspace
   */
  readonly packageCacheDir?: string;
}

/** DynamoDB actions a function needs on its tables: data only, no table management. */
const TABLE_DATA_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:Query",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:BatchWriteItem",
  "dynamodb:ConditionCheckItem",
];
/** What the Lambda SQS poller calls with the function's role (AWSLambdaSQSQueueExecutionRole). */
const QUEUE_CONSUME_ACTIONS = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"];

/**
 * The application: DynamoDB tables, the app's Lambda functions from its build (the server,
 * and where the build needs them an image optimizer, a queue consumer, a tag cache table
 * seeded at deploy time), each with its `live` alias, and the HTTP API for `/api/*`.
 */
export class AppStack extends EnvironmentStack {
  /** The server function (construct id `Ssr`, as before builds had several functions). */
  readonly ssr: AppFunction;
  /** Every function of the build by id, the server included. */
  readonly functions: ReadonlyMap<string, AppFunction>;
  /** Absent for a streaming server: API Gateway's HTTP API cannot invoke a streaming handler. */
  readonly api?: LambdaHttpApi;
  readonly tables: EncryptedTable[];
  /** Tables the build needs (a tag cache), by the description's id. */
  readonly buildTables: ReadonlyMap<string, EncryptedTable>;
  readonly buildQueues: ReadonlyMap<string, EncryptedQueue>;
  readonly appBuild: AppBuildDescription;
  /** The environment's alarm topic (env region); AWS Chatbot relays it to Slack. */
  readonly alarmTopic: EncryptedAlarmTopic;
  readonly alarms: AlarmSet[];

  constructor(scope: Construct, env: EnvironmentConfig, options: AppStackOptions) {
    super(scope, "app", { env });
    this.appBuild = options.appBuild;
    const packageCacheDir = options.packageCacheDir ?? DEFAULT_PACKAGE_CACHE_DIR;
    this.checkReservedConcurrency();
    this.tables = this.createTables();
    this.buildTables = this.createBuildTables();
    this.buildQueues = this.createBuildQueues();
    this.functions = this.createFunctions(packageCacheDir);
    this.ssr = this.functions.get(SERVER_FUNCTION_ID)!;
    this.connectQueueConsumers();
    this.runDeploymentInvocations();
    this.api = this.createHttpApi();
    this.alarmTopic = this.createAlarmTopic();
    this.alarms = this.createMonitoring();
  }

  /** Functions behind CloudFront (function URL on the alias), by id; the server first. */
  get httpFunctions(): { readonly id: string; readonly fn: AppFunction; readonly originHost: string }[] {
    return this.appBuild.functions
      .filter((fn) => fn.trigger.kind === "http")
      .map((fn) => {
        const construct = this.functions.get(fn.id)!;
        return { id: fn.id, fn: construct, originHost: construct.functionUrlHost! };
      });
  }

  private createHttpApi(): LambdaHttpApi | undefined {
    const server = this.appBuild.functions.find((fn) => fn.id === SERVER_FUNCTION_ID)!;
    if (server.streaming) return undefined;
    return new LambdaHttpApi(this, "HttpApi", {
      apiName: httpApiName(this.env),
      aliasArn: this.ssr.alias.arn,
      functionName: this.ssr.function.functionName,
      aliasName: this.ssr.alias.name,
      logRetentionDays: this.env.logRetentionDays,
      throttlingRateLimit: this.env.api.throttlingRateLimit,
      throttlingBurstLimit: this.env.api.throttlingBurstLimit,
    });
  }

  private createAlarmTopic(): EncryptedAlarmTopic {
    const topicName = alarmTopicName(this.env);
    return new EncryptedAlarmTopic(this, "AlarmTopic", {
      topicName,
      keyAlias: alarmTopicKeyAlias(topicName),
      accountId: this.env.account.id,
      alarmNamePrefix: alarmNamePrefix(this.env),
    });
  }

  /**
   * Alarms on every function, the HTTP API and every table, all notifying the alarm topic
   * on ALARM and OK. Thresholds come from `env.alarms`; CloudFront's live in the
   * distribution stack (its metrics exist only in us-east-1).
   */
  private createMonitoring(): AlarmSet[] {
    const { alarms } = this.env;
    const common = (prefix: string) => ({
      alarmName: (what: string) => alarmName(this.env, `${prefix}-${what}`),
      topicArns: [this.alarmTopic.topic.arn],
      evaluation: alarms,
    });
    const functionAlarms = this.appBuild.functions.map((fn) => {
      const isServer = fn.id === SERVER_FUNCTION_ID;
      return new LambdaFunctionAlarms(this, isServer ? "SsrAlarms" : `${pascalCase(fn.id)}Alarms`, {
        ...common(isServer ? "ssr" : fn.id),
        functionName: this.functions.get(fn.id)!.function.functionName,
        timeoutSeconds: this.timeoutOf(fn),
        reservedConcurrency: this.reservedConcurrencyOf(fn),
        thresholds: {
          errorRatePercent: alarms.lambdaErrorRatePercent,
          throttles: alarms.lambdaThrottles,
          durationP99TimeoutFraction: alarms.lambdaDurationP99TimeoutFraction,
          durationP90TimeoutFraction: alarms.lambdaDurationP90TimeoutFraction,
          concurrencyPercent: alarms.lambdaConcurrencyPercent,
        },
      });
    });
    const api = this.api
      ? [
          new HttpApiAlarms(this, "ApiAlarms", {
            ...common("api"),
            apiId: this.api.api.id,
            stageName: this.api.stage.name,
            thresholds: {
              serverErrorRatePercent: alarms.api5xxRatePercent,
              latencyP95Ms: alarms.apiLatencyP95Ms,
              latencyP99Ms: alarms.apiLatencyP99Ms,
            },
          }),
        ]
      : [];
    const tableThresholds = { throttledRequests: alarms.dynamoThrottledRequests, systemErrors: alarms.dynamoSystemErrors };
    // Ids from the table's logical name, like the tables themselves (see createTables).
    const tables = this.env.tables.map(
      (table, i) =>
        new DynamodbTableAlarms(this, `${tableConstructId(table.name)}Alarms`, {
          ...common(`table-${table.name}`),
          tableName: this.tables[i]!.table.name,
          thresholds: tableThresholds,
        }),
    );
    const buildTables = [...this.buildTables].map(
      ([id, table]) =>
        new DynamodbTableAlarms(this, `BuildTable${pascalCase(id)}Alarms`, {
          ...common(`build-${id}`),
          tableName: table.table.name,
          thresholds: tableThresholds,
        }),
    );
    return [...functionAlarms, ...api, ...tables, ...buildTables];
  }

  private createTables(): EncryptedTable[] {
    // The one construct id taken from config: a table's logical name is its identity (list
    // order is not), and renaming a table replaces it anyway. Use moveTo to rename safely.
    return this.env.tables.map(
      (table) =>
        new EncryptedTable(this, tableConstructId(table.name), {
          tableName: tableName(this.env, table.name),
          partitionKey: table.partitionKey,
          sortKey: table.sortKey,
          billingMode: table.billingMode,
          readCapacity: table.readCapacity,
          writeCapacity: table.writeCapacity,
          ttlAttribute: table.ttlAttribute,
          pointInTimeRecovery: table.pointInTimeRecovery,
          deletionProtection: table.deletionProtection,
        }),
    );
  }

  /** Tables the build needs; a protected environment keeps them as safe as its own tables. */
  private createBuildTables(): ReadonlyMap<string, EncryptedTable> {
    return new Map(
      this.appBuild.tables.map((table) => [
        table.id,
        new EncryptedTable(this, `BuildTable${pascalCase(table.id)}`, {
          tableName: buildTableName(this.env, table.id),
          partitionKey: table.partitionKey,
          sortKey: table.sortKey,
          globalSecondaryIndexes: table.globalSecondaryIndexes,
          pointInTimeRecovery: this.env.protected,
          deletionProtection: this.env.protected,
        }),
      ]),
    );
  }

  private createBuildQueues(): ReadonlyMap<string, EncryptedQueue> {
    return new Map(
      this.appBuild.queues.map((queue) => {
        const consumer = this.appBuild.functions.find((fn) => fn.trigger.kind === "queue" && fn.trigger.queue === queue.id);
        const consumerTimeout = consumer ? this.timeoutOf(consumer) : this.env.ssr.timeoutSeconds;
        return [
          queue.id,
          new EncryptedQueue(this, `BuildQueue${pascalCase(queue.id)}`, {
            queueName: buildQueueName(this.env, queue.id, queue.fifo),
            deadLetterQueueName: buildDeadLetterQueueName(this.env, queue.id, queue.fifo),
            fifo: queue.fifo,
            visibilityTimeoutSeconds: 6 * consumerTimeout,
            receiveWaitTimeSeconds: queue.receiveWaitTimeSeconds,
          }),
        ];
      }),
    );
  }

  /**
   * Where the environment reserves concurrency for its server (a protected environment must),
   * every function gets a reservation, so a spike elsewhere in the account cannot starve it:
   * other HTTP functions (an image optimizer) as much as the server, a queue consumer 5 (the
   * pollers Lambda starts for an SQS event source; fewer throttles them), a deploy-time
   * function 1. Together they must leave the unreserved pool Lambda requires.
   */
  private reservedConcurrencyOf(fn: BuildFunction): number | null {
    const server = this.env.ssr.reservedConcurrency;
    if (server === null) return null;
    switch (fn.trigger.kind) {
      case "http":
        return server;
      case "queue":
        return 5;
      case "deployment":
        return 1;
    }
  }

  private checkReservedConcurrency(): void {
    const total = this.appBuild.functions.reduce((sum, fn) => sum + (this.reservedConcurrencyOf(fn) ?? 0), 0);
    const available = this.env.account.lambdaConcurrencyLimit - UNRESERVED_CONCURRENCY_MINIMUM;
    if (total > available) {
      throw new UserError(
        `environments/${this.env.name}.ts: ssr.reservedConcurrency ${this.env.ssr.reservedConcurrency} reserves ${total} executions across the app build's ` +
          `${this.appBuild.functions.length} functions, over the ${available} that account.lambdaConcurrencyLimit ${this.env.account.lambdaConcurrencyLimit} ` +
          `allows while leaving ${UNRESERVED_CONCURRENCY_MINIMUM} unreserved; lower it or raise the account's limit`,
      );
    }
  }

  private timeoutOf(fn: BuildFunction): number {
    return fn.timeoutSeconds ?? this.env.ssr.timeoutSeconds;
  }

  private createFunctions(packageCacheDir: string): ReadonlyMap<string, AppFunction> {
    const { ssr } = this.env;
    return new Map(
      this.appBuild.functions.map((fn) => {
        const isServer = fn.id === SERVER_FUNCTION_ID;
        const environment = this.environmentOf(fn, isServer);
        const construct = new AppFunction(this, isServer ? "Ssr" : `${pascalCase(fn.id)}Function`, {
          functionName: functionName(this.env, fn.id),
          roleName: functionRoleName(this.env, fn.id),
          policyName: isServer ? "ssr" : fn.id,
          // The server's package keeps the name it had before builds had several functions.
          codeZipFile: packageFunction(fn.bundleDir, packageCacheDir, `${isServer ? "server" : fn.id}.zip`),
          handler: fn.handler,
          runtime: ssr.runtime,
          architecture: fn.architecture ?? ssr.architecture,
          memoryMiB: isServer ? ssr.memoryMiB : (fn.memoryMiB ?? ssr.memoryMiB),
          timeoutSeconds: isServer ? ssr.timeoutSeconds : this.timeoutOf(fn),
          reservedConcurrency: this.reservedConcurrencyOf(fn),
          environment,
          logRetentionDays: this.env.logRetentionDays,
          aliasName: LIVE_ALIAS,
          ...(fn.trigger.kind === "http" ? { functionUrl: { invokeMode: fn.streaming ? "RESPONSE_STREAM" : "BUFFERED" } as const } : {}),
          policyStatements: [...(isServer ? this.configuredTableStatements() : []), ...fn.grants.map((grant) => this.grantStatement(fn, grant))],
        });
        return [fn.id, construct];
      }),
    );
  }

  /**
   * The server gets the configured variables and table names; every function gets APP_ENV
   * and what its build asks for. A configured variable the build also sets is an error.
   */
  private environmentOf(fn: BuildFunction, isServer: boolean): Record<string, string> {
    const fromBuild = Object.fromEntries(Object.entries(fn.environment).map(([name, value]) => [name, this.resolveValue(value)]));
    if (!isServer) return { ...fromBuild, APP_ENV: this.env.name };
    const configured = { ...this.env.ssr.environment, ...this.tableVariables() };
    const clashes = Object.keys(fromBuild).filter((name) => name in configured);
    if (clashes.length > 0) {
      throw new UserError(
        `environments/${this.env.name}.ts: ssr.environment sets ${clashes.join(", ")}, which the app build (${this.appBuild.kind}) sets for its server; remove ${clashes.length === 1 ? "it" : "them"}`,
      );
    }
    return { ...configured, ...fromBuild, APP_ENV: this.env.name };
  }

  private tableVariables(): Record<string, string> {
    return Object.fromEntries(
      this.env.tables.map((table, i) => [tableVariableName(table.name), this.tables[i]!.table.name]),
    );
  }

  private resolveValue(value: EnvironmentValue): string {
    if ("literal" in value) return value.literal;
    switch (value.ref) {
      case "region":
        return this.env.account.region;
      case "assets-bucket":
        return assetsBucketName(this.env);
      case "static-key-prefix":
        return this.appBuild.staticFiles.keyPrefix.replace(/\/$/, "");
      case "cache-key-prefix":
        return (this.appBuild.incrementalCache?.keyPrefix ?? "").replace(/\/$/, "");
      case "table-name":
        return this.buildTables.get(value.table)!.table.name;
      case "queue-url":
        return this.buildQueues.get(value.queue)!.queue.url;
    }
  }

  private configuredTableStatements(): DataAwsIamPolicyDocumentStatement[] {
    const tableArns = this.tables.map((t) => t.table.arn);
    if (tableArns.length === 0) return [];
    return [{ sid: "ReadWriteTables", actions: TABLE_DATA_ACTIONS, resources: [...tableArns, ...tableArns.map((arn) => `${arn}/index/*`)] }];
  }

  /**
   * Least privilege for one grant: object actions under the one key prefix, data actions on
   * the one table and its indexes, send or consume on the one queue. The assets bucket is
   * encrypted with S3-managed keys (SSE-S3) and the queues with SQS-managed keys, so no KMS
   * permission is needed.
   */
  private grantStatement(fn: BuildFunction, grant: FunctionGrant): DataAwsIamPolicyDocumentStatement {
    const bucketArn = `arn:aws:s3:::${assetsBucketName(this.env)}`;
    switch (grant.to) {
      case "static-files":
        return { sid: "ReadStaticFiles", actions: ["s3:GetObject"], resources: [`${bucketArn}/${this.appBuild.staticFiles.keyPrefix}*`] };
      case "incremental-cache": {
        const prefix = this.appBuild.incrementalCache?.keyPrefix;
        if (!prefix) throw new UserError(`app build ${this.appBuild.root}: function ${fn.id} uses the incremental cache, which the build does not have`);
        return { sid: "ReadWriteIncrementalCache", actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], resources: [`${bucketArn}/${prefix}*`] };
      }
      case "table": {
        const arn = this.buildTables.get(grant.table)!.table.arn;
        return { sid: `ReadWrite${pascalCase(grant.table)}Table`, actions: TABLE_DATA_ACTIONS, resources: [arn, `${arn}/index/*`] };
      }
      case "queue": {
        const arn = this.buildQueues.get(grant.queue)!.queue.arn;
        return grant.access === "send"
          ? { sid: `SendTo${pascalCase(grant.queue)}Queue`, actions: ["sqs:SendMessage"], resources: [arn] }
          : { sid: `Consume${pascalCase(grant.queue)}Queue`, actions: QUEUE_CONSUME_ACTIONS, resources: [arn] };
      }
    }
  }

  /** A queue consumer's event source mapping targets its alias, so a release moves it too. */
  private connectQueueConsumers(): void {
    for (const fn of this.appBuild.functions) {
      if (fn.trigger.kind !== "queue") continue;
      new LambdaEventSourceMapping(this, `${pascalCase(fn.id)}QueueSource`, {
        eventSourceArn: this.buildQueues.get(fn.trigger.queue)!.queue.arn,
        functionName: this.functions.get(fn.id)!.alias.arn,
        batchSize: fn.trigger.batchSize,
        // The handler names the records it could not process; only those are retried.
        functionResponseTypes: ["ReportBatchItemFailures"],
      });
    }
  }

  /**
   * Deploy-time functions run once per build: the invocation's input carries the build id,
   * so a new build invokes the newly published version again (Terraform re-invokes when the
   * input changes) and an unchanged one does not.
   */
  private runDeploymentInvocations(): void {
    for (const fn of this.appBuild.functions) {
      if (fn.trigger.kind !== "deployment") continue;
      const construct = this.functions.get(fn.id)!;
      new LambdaInvocation(this, `${pascalCase(fn.id)}Invocation`, {
        functionName: construct.function.functionName,
        qualifier: construct.function.version,
        input: JSON.stringify(fn.trigger.input),
      });
    }
  }
}
