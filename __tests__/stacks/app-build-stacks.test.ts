/**
 * The stacks derive functions, queues, tables and CloudFront behaviours from the app build
 * description: here from small OpenNext and Nitro builds in their real layouts.
 */
import { findEnvironment, loadEnvironments } from "../../environments";
import { describeAppBuild } from "../../lib/app-build/load";
import { FORWARDED_HOST_FUNCTION_CODE } from "../../modules/ssr-distribution";
import { openNextOutput, tempDir, writeNitroBuild, writeOpenNextBuild } from "../support/app-builds";
import { onlyResource, resourcesOfType, synthesizeApp, type StackJson } from "../support/synth";

const dev = findEnvironment("dev", loadEnvironments());
const openNext = synthesizeApp([dev], describeAppBuild(writeOpenNextBuild(tempDir()), "test"));
const nitroStreaming = synthesizeApp([dev], describeAppBuild(writeNitroBuild(tempDir(), { streaming: true }), "test"));
const app = openNext.stacks["dev-app"]!;
const distribution = openNext.stacks["dev-distribution"]!;

const fn = (stack: StackJson, name: string) => resourcesOfType(stack, "aws_lambda_function").find((f) => f.function_name === name)!;
const cdn = (stack: StackJson) => onlyResource(stack, "aws_cloudfront_distribution");

describe("stacks for an OpenNext build (default configuration)", () => {
  it("creates one function per function of the build, named by lib/naming", () => {
    expect(resourcesOfType(app, "aws_lambda_function").map((f) => f.function_name).sort()).toEqual([
      "acme-web-dev-image",
      "acme-web-dev-revalidation",
      "acme-web-dev-ssr",
      "acme-web-dev-tag-cache-init",
    ]);
  });

  it("publishes every function and gives each a live alias whose version Terraform ignores", () => {
    const aliases = resourcesOfType(app, "aws_lambda_alias");
    expect([
      resourcesOfType(app, "aws_lambda_function").every((f) => f.publish === true),
      aliases.length,
      aliases.every((a) => a.name === "live" && JSON.stringify(a.lifecycle.ignore_changes) === '["function_version","routing_config"]'),
    ]).toEqual([true, 4, true]);
  });

  it("pins the image optimizer to the architecture of its native binary", () => {
    expect(fn(app, "acme-web-dev-image").architectures).toEqual(["arm64"]);
  });

  it("gives the server the queue URL and the cache table and bucket", () => {
    expect(fn(app, "acme-web-dev-ssr").environment.variables).toMatchObject({
      CACHE_BUCKET_NAME: "acme-web-dev-assets-111111111111",
      CACHE_BUCKET_KEY_PREFIX: "_cache",
      CACHE_BUCKET_REGION: "eu-west-1",
      CACHE_DYNAMO_TABLE: "${aws_dynamodb_table.BuildTableTagCache_Table_C92A6B51.name}",
      REVALIDATION_QUEUE_URL: "${aws_sqs_queue.BuildQueueRevalidation_Queue_F7D8CB79.url}",
    });
  });

  it("creates the revalidation queue as FIFO with a dead-letter queue", () => {
    const queue = resourcesOfType(app, "aws_sqs_queue").find((q) => q.name === "acme-web-dev-revalidation.fifo")!;
    expect([queue.fifo_queue, JSON.parse(queue.redrive_policy)]).toEqual([
      true,
      { deadLetterTargetArn: "${aws_sqs_queue.BuildQueueRevalidation_DeadLetterQueue_83D9DE48.arn}", maxReceiveCount: 5 },
    ]);
  });

  it("lets the revalidation function's alias consume the queue", () => {
    expect(onlyResource(app, "aws_lambda_event_source_mapping")).toMatchObject({
      function_name: "${aws_lambda_alias.RevalidationFunction_Alias_218B728F.arn}",
      event_source_arn: "${aws_sqs_queue.BuildQueueRevalidation_Queue_F7D8CB79.arn}",
      batch_size: 5,
      function_response_types: ["ReportBatchItemFailures"],
    });
  });

  it("keeps the queue's messages hidden six times as long as its consumer may run", () => {
    const queue = resourcesOfType(app, "aws_sqs_queue").find((q) => q.name === "acme-web-dev-revalidation.fifo")!;
    expect(queue.visibility_timeout_seconds).toBe(6 * fn(app, "acme-web-dev-revalidation").timeout);
  });

  it("creates the tag cache table with its revalidate index", () => {
    const table = resourcesOfType(app, "aws_dynamodb_table").find((t) => t.name === "acme-web-dev-build-tag-cache")!;
    expect([table.hash_key, table.range_key, table.global_secondary_index]).toEqual([
      "tag",
      "path",
      [{ name: "revalidate", hash_key: "path", range_key: "revalidatedAt", projection_type: "ALL" }],
    ]);
  });

  it("seeds the tag cache by invoking the published initializer with the build id", () => {
    const invocation = onlyResource(app, "aws_lambda_invocation");
    expect([invocation.qualifier, JSON.parse(invocation.input).buildId]).toEqual(["${aws_lambda_function.TagCacheInitFunction_2DDA8731.version}", "build-1"]);
  });

  it("lets the server read and write only the cache prefix of the bucket", () => {
    const policies = Object.values(app.data.aws_iam_policy_document as Record<string, StackJson>);
    const cache = policies.flatMap((p) => p.statement).find((s: StackJson) => s.sid === "ReadWriteIncrementalCache");
    expect([cache.actions, cache.resources]).toEqual([
      ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      ["arn:aws:s3:::acme-web-dev-assets-111111111111/_cache/*"],
    ]);
  });

  it("puts function URLs on the server and the image optimizer only", () => {
    expect(resourcesOfType(app, "aws_lambda_function_url").map((u) => [u.function_name, u.invoke_mode]).sort()).toEqual([
      ["${aws_lambda_function.ImageFunction_3592DD2A.function_name}", "BUFFERED"],
      ["${aws_lambda_function.Ssr_Function_64DAD378.function_name}", "BUFFERED"],
    ]);
  });

  it("routes OpenNext's behaviours in order, then /api/*", () => {
    expect(cdn(distribution).ordered_cache_behavior.map((b: StackJson) => `${b.path_pattern}→${b.target_origin_id}`)).toEqual([
      "/_next/image*→fn-image",
      "/_next/data/*→ssr",
      "/BUILD_ID→assets",
      "/_next/*→assets",
      "/logo.png→assets",
      "/api/*→api",
    ]);
  });

  it("reads static files from the assets/ prefix through the origin path", () => {
    expect(cdn(distribution).origin.find((o: StackJson) => o.origin_id === "assets").origin_path).toBe("/assets");
  });

  it("caches resized images by query string and Accept", () => {
    const policy = onlyResource(distribution, "aws_cloudfront_cache_policy").parameters_in_cache_key_and_forwarded_to_origin;
    expect([policy.query_strings_config.query_string_behavior, policy.headers_config.headers.items]).toEqual(["all", ["accept"]]);
  });

  it("lets CloudFront invoke the image optimizer's URL as well as the server's", () => {
    expect(resourcesOfType(distribution, "aws_lambda_permission").map((p) => `${p.function_name} ${p.action}`).sort()).toEqual([
      "${data.terraform_remote_state.cross-stack-reference-input-dev-app.outputs.cross-stack-output-aws_lambda_functionImageFunction_3592DD2Afunction_name} lambda:InvokeFunction",
      "${data.terraform_remote_state.cross-stack-reference-input-dev-app.outputs.cross-stack-output-aws_lambda_functionImageFunction_3592DD2Afunction_name} lambda:InvokeFunctionUrl",
      "${data.terraform_remote_state.cross-stack-reference-input-dev-app.outputs.cross-stack-output-aws_lambda_functionSsr_Function_64DAD378function_name} lambda:InvokeFunction",
      "${data.terraform_remote_state.cross-stack-reference-input-dev-app.outputs.cross-stack-output-aws_lambda_functionSsr_Function_64DAD378function_name} lambda:InvokeFunctionUrl",
    ]);
  });

  it("sets x-forwarded-host on viewer request for every behaviour that reaches a function", () => {
    const arn = "${aws_cloudfront_function.Cdn_ForwardedHostFunction_66E625B1.arn}";
    const dist = cdn(distribution);
    const functionBehaviours = [dist.default_cache_behavior, ...dist.ordered_cache_behavior.filter((b: StackJson) => b.target_origin_id !== "assets")];
    expect(functionBehaviours.every((b: StackJson) => b.function_association?.[0]?.event_type === "viewer-request" && b.function_association[0].function_arn === arn)).toBe(true);
  });

  it("does not run the function on static files", () => {
    expect(cdn(distribution).ordered_cache_behavior.filter((b: StackJson) => b.target_origin_id === "assets" && b.function_association)).toEqual([]);
  });
});

describe("stacks for a streaming Nitro build", () => {
  const nitroApp = nitroStreaming.stacks["dev-app"]!;
  const nitroCdn = cdn(nitroStreaming.stacks["dev-distribution"]!);

  it("streams through the function URL", () => {
    expect(onlyResource(nitroApp, "aws_lambda_function_url").invoke_mode).toBe("RESPONSE_STREAM");
  });

  it("has no HTTP API, which cannot invoke a streaming handler: /api/* renders on the server", () => {
    expect([resourcesOfType(nitroApp, "aws_apigatewayv2_api").length, nitroCdn.ordered_cache_behavior.some((b: StackJson) => b.path_pattern === "/api/*")]).toEqual([0, false]);
  });

  it("sends each top-level public entry to S3", () => {
    expect(nitroCdn.ordered_cache_behavior.map((b: StackJson) => b.path_pattern)).toEqual(["/_nuxt/*", "/favicon.ico", "/robots.txt"]);
  });
});

describe("the x-forwarded-host CloudFront Function", () => {
  it("overwrites x-forwarded-host with the viewer's Host", () => {
    const request = { headers: { host: { value: "www.example.com" }, "x-forwarded-host": { value: "evil.example" } } };
    const handler = new Function(`${FORWARDED_HOST_FUNCTION_CODE}; return handler;`)() as (e: unknown) => typeof request;
    expect(handler({ request }).headers["x-forwarded-host"]).toEqual({ value: "www.example.com" });
  });
});

it("a server variable the build sets cannot also come from the environment config", () => {
  const clashing = { ...dev, ssr: { ...dev.ssr, environment: { CACHE_BUCKET_NAME: "mine" } } };
  expect(() => synthesizeApp([clashing], describeAppBuild(writeOpenNextBuild(tempDir(), openNextOutput()), "test"))).toThrow(
    /environments\/dev\.ts: ssr\.environment sets CACHE_BUCKET_NAME, which the app build \(opennext\) sets for its server/,
  );
});

describe("reserved concurrency for every function where the environment reserves it", () => {
  const prod = findEnvironment("prod", loadEnvironments());
  const prodApp = synthesizeApp([prod], describeAppBuild(writeOpenNextBuild(tempDir()), "test")).stacks["prod-app"]!;
  const reserved = (name: string) => fn(prodApp, name).reserved_concurrent_executions;

  it("gives the image optimizer as much as the server, the queue consumer 5 and the initializer 1", () => {
    expect(["acme-web-prod-ssr", "acme-web-prod-image", "acme-web-prod-revalidation", "acme-web-prod-tag-cache-init"].map(reserved)).toEqual([
      prod.ssr.reservedConcurrency,
      prod.ssr.reservedConcurrency,
      5,
      1,
    ]);
  });

  it("refuses reservations that would leave less than 100 unreserved", () => {
    const tight = { ...prod, account: { ...prod.account, lambdaConcurrencyLimit: 400 } };
    expect(() => synthesizeApp([tight], describeAppBuild(writeOpenNextBuild(tempDir()), "test"))).toThrow(
      /environments\/prod\.ts: ssr\.reservedConcurrency 200 reserves 406 executions across the app build's 4 functions, over the 300/,
    );
  });
});
