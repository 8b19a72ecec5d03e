import path from "node:path";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../environments/schema";
import { EncryptedTable } from "../modules/dynamodb-table";
import { LambdaHttpApi } from "../modules/http-api";
import { SsrFunction } from "../modules/ssr-function";
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
  httpApiName,
  LIVE_ALIAS,
  ssrFunctionName,
  ssrRoleName,
  tableName,
} from "../lib/naming";
import { EnvironmentStack } from "./environment-stack";

export interface AppStackOptions {
  /**
   * Zipped server code (what the Lambda runs).
   * @default examples/ssr-app/dist/server.zip
   */
  readonly serverCodeZipFile?: string;
}

export const DEFAULT_SERVER_CODE_ZIP = path.resolve(__dirname, "..", "examples", "ssr-app", "dist", "server.zip");

/** DynamoDB actions the SSR function needs on its tables: data only, no table management. */
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

/** The application: DynamoDB tables, the SSR Lambda with its `live` alias and URL, the HTTP API. */
export class AppStack extends EnvironmentStack {
  readonly ssr: SsrFunction;
  readonly api: LambdaHttpApi;
  readonly tables: EncryptedTable[];
  /** The environment's alarm topic (env region); AWS Chatbot relays it to Slack. */
  readonly alarmTopic: EncryptedAlarmTopic;
  readonly alarms: AlarmSet[];

  constructor(scope: Construct, env: EnvironmentConfig, options: AppStackOptions = {}) {
    super(scope, "app", { env });
    this.tables = this.createTables();
    this.ssr = this.createSsrFunction(options.serverCodeZipFile ?? DEFAULT_SERVER_CODE_ZIP);
    this.api = new LambdaHttpApi(this, "HttpApi", {
      apiName: httpApiName(env),
      aliasArn: this.ssr.alias.arn,
      functionName: this.ssr.function.functionName,
      aliasName: this.ssr.alias.name,
      logRetentionDays: env.logRetentionDays,
      throttlingRateLimit: env.api.throttlingRateLimit,
      throttlingBurstLimit: env.api.throttlingBurstLimit,
    });
    this.alarmTopic = this.createAlarmTopic();
    this.alarms = this.createMonitoring();
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
   * Alarms on the SSR function, the HTTP API and every table, all notifying the alarm topic
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
    const ssr = new LambdaFunctionAlarms(this, "SsrAlarms", {
      ...common("ssr"),
      functionName: this.ssr.function.functionName,
      timeoutSeconds: this.env.ssr.timeoutSeconds,
      reservedConcurrency: this.env.ssr.reservedConcurrency,
      thresholds: {
        errorRatePercent: alarms.lambdaErrorRatePercent,
        throttles: alarms.lambdaThrottles,
        durationP99TimeoutFraction: alarms.lambdaDurationP99TimeoutFraction,
        durationP90TimeoutFraction: alarms.lambdaDurationP90TimeoutFraction,
        concurrencyPercent: alarms.lambdaConcurrencyPercent,
      },
    });
    const api = new HttpApiAlarms(this, "ApiAlarms", {
      ...common("api"),
      apiId: this.api.api.id,
      stageName: this.api.stage.name,
      thresholds: {
        serverErrorRatePercent: alarms.api5xxRatePercent,
        latencyP95Ms: alarms.apiLatencyP95Ms,
        latencyP99Ms: alarms.apiLatencyP99Ms,
      },
    });
    // Ids from the table's logical name, like the tables themselves (see createTables).
    const tables = this.env.tables.map(
      (table, i) =>
        new DynamodbTableAlarms(this, `Table${pascalCase(table.name)}Alarms`, {
          ...common(`table-${table.name}`),
          tableName: this.tables[i].table.name,
          thresholds: { throttledRequests: alarms.dynamoThrottledRequests, systemErrors: alarms.dynamoSystemErrors },
        }),
    );
    return [ssr, api, ...tables];
  }

  private createTables(): EncryptedTable[] {
    // The one construct id taken from config: a table's logical name is its identity (list
    // order is not), and renaming a table replaces it anyway. Use moveTo to rename safely.
    return this.env.tables.map(
      (table) =>
        new EncryptedTable(this, `Table${pascalCase(table.name)}`, {
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

  private createSsrFunction(codeZipFile: string): SsrFunction {
    const { ssr } = this.env;
    const tableArns = this.tables.map((t) => t.table.arn);
    const tableVariables = Object.fromEntries(
      this.env.tables.map((table, i) => [`TABLE_${table.name.toUpperCase().replace(/-/g, "_")}`, this.tables[i].table.name]),
    );
    return new SsrFunction(this, "Ssr", {
      functionName: ssrFunctionName(this.env),
      roleName: ssrRoleName(this.env),
      codeZipFile,
      runtime: ssr.runtime,
      architecture: ssr.architecture,
      memoryMiB: ssr.memoryMiB,
      timeoutSeconds: ssr.timeoutSeconds,
      reservedConcurrency: ssr.reservedConcurrency,
      environment: { ...ssr.environment, ...tableVariables, APP_ENV: this.env.name },
      logRetentionDays: this.env.logRetentionDays,
      aliasName: LIVE_ALIAS,
      policyStatements:
        tableArns.length === 0
          ? []
          : [{ sid: "ReadWriteTables", actions: TABLE_DATA_ACTIONS, resources: [...tableArns, ...tableArns.map((arn) => `${arn}/index/*`)] }],
    });
  }
}

function pascalCase(slug: string): string {
  return slug.replace(/(^|-)([a-z0-9])/g, (_, _dash: string, c: string) => c.toUpperCase());
}
