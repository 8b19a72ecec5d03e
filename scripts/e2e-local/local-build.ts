/**
 * What a build's functions need around them when they run on this machine against moto: the
 * build's tables (created, then seeded by its deploy-time functions, as Terraform's
 * invocation does on AWS), and each function's environment with the same values the app
 * stack gives it, pointed at the local resources.
 */
import { spawnSync } from "node:child_process";
import { pathToFileURL } from "node:url";
import { CreateTableCommand, DynamoDBClient, type AttributeDefinition } from "@aws-sdk/client-dynamodb";
import { UserError } from "../../lib/errors";
import type { AppBuildDescription, AppFunction, EnvironmentValue } from "../../lib/app-build/description";
import { buildQueueName, buildTableName, type NamingInput } from "../../lib/naming";
import { handlerFile } from "./local-function";

export interface LocalResources {
  readonly endpoint: string;
  readonly region: string;
  readonly bucket: string;
  readonly env: NamingInput;
}

/** The function's environment as the app stack resolves it, with local names. */
export function localEnvironment(build: AppBuildDescription, fn: AppFunction, resources: LocalResources): Record<string, string> {
  const resolve = (value: EnvironmentValue): string => {
    if ("literal" in value) return value.literal;
    switch (value.ref) {
      case "region":
        return resources.region;
      case "assets-bucket":
        return resources.bucket;
      case "static-key-prefix":
        return build.staticFiles.keyPrefix.replace(/\/$/, "");
      case "cache-key-prefix":
        return (build.incrementalCache?.keyPrefix ?? "").replace(/\/$/, "");
      case "table-name":
        return buildTableName(resources.env, value.table);
      case "queue-url": {
        // No queue is created locally: a page only goes stale (and is queued) after its
        // revalidation period, longer than the suite runs. A send would fail and be logged.
        const queue = build.queues.find((q) => q.id === value.queue);
        return `${resources.endpoint}/000000000000/${buildQueueName(resources.env, value.queue, queue?.fifo ?? false)}`;
      }
    }
  };
  return Object.fromEntries(Object.entries(fn.environment).map(([name, value]) => [name, resolve(value)]));
}

/** Creates the build's tables in moto (on-demand, with their indexes). */
export async function createBuildTables(build: AppBuildDescription, resources: LocalResources): Promise<void> {
  if (build.tables.length === 0) return;
  const client = new DynamoDBClient({ endpoint: resources.endpoint, region: resources.region, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
  try {
    for (const table of build.tables) {
      const keys = [table.partitionKey, table.sortKey, ...table.globalSecondaryIndexes.flatMap((i) => [i.partitionKey, i.sortKey])];
      const attributes = new Map<string, AttributeDefinition>();
      for (const key of keys) if (key) attributes.set(key.name, { AttributeName: key.name, AttributeType: key.type });
      const keySchema = (partition: { name: string }, sort?: { name: string }) => [
        { AttributeName: partition.name, KeyType: "HASH" as const },
        ...(sort ? [{ AttributeName: sort.name, KeyType: "RANGE" as const }] : []),
      ];
      await client.send(
        new CreateTableCommand({
          TableName: buildTableName(resources.env, table.id),
          BillingMode: "PAY_PER_REQUEST",
          AttributeDefinitions: [...attributes.values()],
          KeySchema: keySchema(table.partitionKey, table.sortKey),
          ...(table.globalSecondaryIndexes.length > 0
            ? {
                GlobalSecondaryIndexes: table.globalSecondaryIndexes.map((index) => ({
                  IndexName: index.name,
                  KeySchema: keySchema(index.partitionKey, index.sortKey),
                  Projection: { ProjectionType: "ALL" as const },
                })),
              }
            : {}),
        }),
      );
    }
  } finally {
    client.destroy();
  }
}

/**
 * Runs each deploy-time function once with its input, as the app stack's aws_lambda_invocation
 * does: in a child process (its bundle's globals stay out of the edge), in its bundle folder,
 * with its environment and `awsEnv` (the emulator's endpoint and credentials).
 */
export function runDeploymentFunctions(build: AppBuildDescription, resources: LocalResources, awsEnv: NodeJS.ProcessEnv): string[] {
  const ran: string[] = [];
  for (const fn of build.functions) {
    if (fn.trigger.kind !== "deployment") continue;
    const { file, exportName } = handlerFile(fn);
    const script =
      `const m = await import(${JSON.stringify(pathToFileURL(file).href)}); ` +
      `const h = m[${JSON.stringify(exportName)}] ?? m.default?.[${JSON.stringify(exportName)}]; ` +
      `await h(${JSON.stringify(fn.trigger.input)}, { awsRequestId: "local" });`;
    const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: fn.bundleDir,
      env: { ...awsEnv, ...localEnvironment(build, fn, resources) },
      encoding: "utf8",
    });
    if (result.status !== 0) throw new UserError(`deploy-time function ${fn.id} failed locally (exit ${result.status}): ${(result.stderr || result.stdout).trim().split("\n").slice(-3).join(" | ")}`);
    ran.push(fn.id);
  }
  return ran;
}
