/**
 * The state bootstrap app: one stack per distinct state bucket of the environments, on
 * local state. Run once per account before the first `cdktf deploy` (see README).
 */
process.setSourceMapsEnabled(false);

import path from "node:path";
import { App } from "cdktf";
import { loadEnvironments } from "../environments";
import { ConfigError } from "../lib/errors";
import { StateBootstrapStack, stateBucketGroups } from "../stacks/state-bootstrap-stack";

function main(): void {
  let environments;
  try {
    environments = loadEnvironments();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  const app = new App({ outdir: process.env.CDKTF_OUTDIR ?? path.join(__dirname, "cdktf.out"), stackTraces: false });
  for (const group of stateBucketGroups(environments)) {
    new StateBootstrapStack(app, `state-${group.bucket}`, group);
  }
  app.synth();
}

main();
