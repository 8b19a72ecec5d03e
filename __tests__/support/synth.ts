/**
 * Synthesizes stacks in-process for tests, from a small example-layout build written to a
 * temp folder, so tests do not depend on the example app having been built.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { App } from "cdktf";
import { loadEnvironments } from "../../environments";
import type { EnvironmentConfig } from "../../environments/schema";
import { describeAppBuild } from "../../lib/app-build/load";
import type { AppBuildDescription } from "../../lib/app-build/description";
import { createEnvironmentStacks } from "../../stacks/environment-stacks";
import { writeExampleBuild } from "./app-builds";
import { tempDir } from "./temp-dir";

/** A synthesized stack's cdk.tf.json, loosely typed for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type StackJson = Record<string, any>;

export interface SynthesizedApp {
  readonly outdir: string;
  readonly manifest: { stacks: Record<string, { dependencies: string[]; workingDirectory: string; synthesizedStackPath: string }> };
  readonly stacks: Record<string, StackJson>;
}

/** A small build in the example app's layout, described. */
export function testAppBuild(): AppBuildDescription {
  return describeAppBuild(writeExampleBuild(tempDir("app-build-")), "test");
}

/** Stack options for tests: the given build (default: a small example build), packages cached in a temp dir. */
export function testAppStackOptions(appBuild: AppBuildDescription = testAppBuild()): { appBuild: AppBuildDescription; packageCacheDir: string } {
  return { appBuild, packageCacheDir: tempDir("packages-") };
}

/** Synthesizes the given environments (default: the shipped ones) into a temp dir. */
export function synthesizeApp(
  environments: readonly EnvironmentConfig[] = loadEnvironments(),
  appBuild: AppBuildDescription = testAppBuild(),
): SynthesizedApp {
  const outdir = tempDir("cdktf-out-");
  const app = new App({ outdir, stackTraces: false });
  const options = testAppStackOptions(appBuild);
  for (const env of environments) createEnvironmentStacks(app, env, options);
  app.synth();
  return readSynthesizedApp(outdir);
}

export function readSynthesizedApp(outdir: string): SynthesizedApp {
  const manifest = JSON.parse(readFileSync(path.join(outdir, "manifest.json"), "utf8")) as SynthesizedApp["manifest"];
  const stacks = Object.fromEntries(
    Object.entries(manifest.stacks).map(([id, stack]) => [
      id,
      JSON.parse(readFileSync(path.join(outdir, stack.synthesizedStackPath), "utf8")) as StackJson,
    ]),
  );
  return { outdir, manifest, stacks };
}

/** All resources of one type in a stack, as a list of their bodies. */
export function resourcesOfType(stack: StackJson, type: string): StackJson[] {
  return Object.values(stack.resource?.[type] ?? {});
}

/** The one resource of a type, failing loudly when there is not exactly one. */
export function onlyResource(stack: StackJson, type: string): StackJson {
  const found = resourcesOfType(stack, type);
  if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}`);
  return found[0];
}
