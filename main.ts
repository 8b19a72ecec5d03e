/**
 * The cdktf app: validate every environment, create its three stacks, synthesize.
 * A config error prints every problem and exits 1 before anything is written.
 */
// cdktf records a full stack trace for every token; with tsx's source maps on, mapping them
// costs a quarter of the synth. Our errors are config errors with their own locations.
process.setSourceMapsEnabled(false);

import { App } from "cdktf";
import { loadEnvironments } from "./environments";
import { ConfigError } from "./lib/errors";
import { createEnvironmentStacks } from "./stacks/environment-stacks";

function main(): void {
  let environments;
  try {
    environments = loadEnvironments();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  // Stack traces in construct metadata cost ~0.4 s per synth (source-mapped) and are unused.
  const app = new App({ stackTraces: false });
  for (const env of environments) createEnvironmentStacks(app, env);
  app.synth();
}

main();
