/**
 * The cdktf app: validate every environment, create its three stacks, synthesize.
 * A config error prints every problem and exits 1 before anything is written.
 */
// cdktf records a full stack trace for every token; with tsx's source maps on, mapping them
// costs a quarter of the synth. Our errors are config errors with their own locations.
process.setSourceMapsEnabled(false);

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
