/**
 * Small build folders in each layout the app build contract reads, written into a temp
 * folder for tests: the real files' shapes (OpenNext 4.2's open-next.output.json, Nitro's
 * nitro.json, the example app's layout) with one-line bundles.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { tempDir as registeredTempDir } from "./temp-dir";

function write(file: string, content: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}

export function tempDir(prefix = "app-build-"): string {
  return registeredTempDir(prefix);
}

/** The open-next.output.json OpenNext 4.2.0 writes for the default configuration. */
export function openNextOutput(overrides: { streaming?: boolean } = {}): Record<string, unknown> {
  return {
    edgeFunctions: {},
    origins: {
      s3: {
        type: "s3",
        originPath: "_assets",
        copy: [
          { from: ".open-next/assets", to: "_assets", cached: true, versionedSubDir: "_next" },
          { from: ".open-next/cache", to: "_cache", cached: false },
        ],
      },
      imageOptimizer: {
        type: "function",
        handler: "index.handler",
        bundle: ".open-next/image-optimization-function",
        streaming: false,
        imageLoader: "s3",
        wrapper: "aws-lambda",
        converter: "aws-apigw-v2",
      },
      default: {
        type: "function",
        handler: "index.handler",
        bundle: ".open-next/server-functions/default",
        streaming: overrides.streaming ?? false,
        wrapper: overrides.streaming ? "aws-lambda-streaming" : "aws-lambda",
        converter: "aws-apigw-v2",
        queue: "sqs",
        incrementalCache: "s3",
        tagCache: "dynamodb",
      },
    },
    behaviors: [
      { pattern: "_next/image*", origin: "imageOptimizer" },
      { pattern: "_next/data/*", origin: "default" },
      { pattern: "*", origin: "default" },
      { pattern: "BUILD_ID", origin: "s3" },
      { pattern: "_next/*", origin: "s3" },
      { pattern: "logo.png", origin: "s3" },
    ],
    additionalProps: {
      warmer: { handler: "index.handler", bundle: ".open-next/warmer-function" },
      initializationFunction: { handler: "index.handler", bundle: ".open-next/dynamodb-provider" },
      revalidationFunction: { handler: "index.handler", bundle: ".open-next/revalidation-function" },
    },
  };
}

export function writeOpenNextBuild(dir: string, output: Record<string, unknown> = openNextOutput()): string {
  const o = path.join(dir, ".open-next");
  write(path.join(o, "open-next.output.json"), JSON.stringify(output));
  write(path.join(o, "server-functions/default/index.mjs"), "export const handler = async () => ({ statusCode: 200, body: 'next' });\n");
  write(path.join(o, "server-functions/default/.next/BUILD_ID"), "build-1");
  write(path.join(o, "image-optimization-function/index.mjs"), "export const handler = async () => ({ statusCode: 200 });\n");
  write(path.join(o, "image-optimization-function/node_modules/@img/sharp-linux-arm64/package.json"), "{}");
  write(path.join(o, "revalidation-function/index.mjs"), "export const handler = async () => ({});\n");
  write(path.join(o, "dynamodb-provider/index.mjs"), "export const handler = async (e) => e;\n");
  write(path.join(o, "warmer-function/index.mjs"), "export const handler = async () => ({});\n");
  write(path.join(o, "assets/BUILD_ID"), "build-1\n");
  write(path.join(o, "assets/logo.png"), "png");
  write(path.join(o, "assets/_next/static/chunks/main-0a1b2c3d4e5f.js"), "console.log(1);");
  write(path.join(o, "assets/_next/static/build-1/_buildManifest.js"), "self.__BUILD_MANIFEST={};");
  write(path.join(o, "cache/build-1/isr.cache"), "{}");
  return dir;
}

export function writeNitroBuild(dir: string, options: { streaming?: boolean; preset?: string } = {}): string {
  const o = path.join(dir, ".output");
  write(
    path.join(o, "nitro.json"),
    JSON.stringify({
      date: "2026-01-01T00:00:00.000Z",
      preset: options.preset ?? "aws-lambda",
      framework: { name: "nuxt", version: "4.4.2" },
      commands: {},
      config: { awsLambda: { streaming: options.streaming ?? false } },
    }),
  );
  write(path.join(o, "server/index.mjs"), "export const handler = async () => ({ statusCode: 200, body: 'nitro' });\n");
  write(path.join(o, "public/_nuxt/entry.BkPz3xQa.js"), "console.log(1);");
  write(path.join(o, "public/_nuxt/builds/latest.json"), "{}");
  write(path.join(o, "public/favicon.ico"), "ico");
  write(path.join(o, "public/robots.txt"), "User-agent: *\n");
  return dir;
}

export function writeExampleBuild(dir: string): string {
  write(path.join(dir, "server/index.js"), "exports.handler = async () => ({ statusCode: 200, body: 'example' });\n");
  write(path.join(dir, "client/assets/main.6EFCQAEZ.js"), "console.log(1);");
  return dir;
}

/**
 * The message of the error `describe` throws for the build in `root`, with `root` written as
 * `<root>` so that tests can compare whole messages; fails the test if nothing is thrown.
 */
export function refusalOf(describe: (root: string) => unknown, root: string): string {
  try {
    describe(root);
  } catch (error) {
    return (error as Error).message.split(root).join("<root>");
  }
  throw new Error("the build was accepted");
}
