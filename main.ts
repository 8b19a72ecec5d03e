/**
 * The cdktf app: validate every environment, create its three stacks, synthesize.
 * A config error prints every problem and exits 1 before anything is written.
 */
import "./lib/disable-source-maps";
import { App } from "cdktf";
import { loadEnvironmentsOrExit } from "./environments";
import { createEnvironmentStacks } from "./stacks/environment-stacks";

function main(): void {
  const environments = loadEnvironmentsOrExit();
  // Stack traces in construct metadata cost ~0.4 s per synth (source-mapped) and are unused.
  const app = new App({ stackTraces: false });
  for (const env of environments) createEnvironmentStacks(app, env);
  app.synth();
}

main();
