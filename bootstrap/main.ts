/**
 * The state bootstrap app: one stack per distinct state bucket of the environments, on
 * local state. Run once per account before the first `cdktf deploy` (see docs/stacks-and-state.md, "Remote state").
 */
import "../lib/disable-source-maps";
import path from "node:path";
import { App } from "cdktf";
import { loadEnvironmentsOrExit } from "../environments";
import { StateBootstrapStack, stateBucketGroups } from "../stacks/state-bootstrap-stack";

function main(): void {
  const environments = loadEnvironmentsOrExit();
  const app = new App({ outdir: process.env.CDKTF_OUTDIR ?? path.join(__dirname, "cdktf.out"), stackTraces: false });
  for (const group of stateBucketGroups(environments)) {
    new StateBootstrapStack(app, `state-${group.bucket}`, group);
  }
  app.synth();
}

main();
