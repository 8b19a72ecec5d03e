/**
 * The cdktf app: validate every environment, read the app build (app.config.ts or APP_DIR),
 * create each environment's three stacks, synthesize, say what was written. A config or build error (or a Lambda
 * runtime AWS no longer accepts today) prints what is wrong and exits 1 before anything is
 * written.
 */
import "./lib/disable-source-maps";
import { App } from "cdktf";
import { loadEnvironmentsOrExit } from "./environments";
import { loadAppBuild } from "./lib/app-build/load";
import { UserError } from "./lib/errors";
import { printSynthSummary } from "./lib/synth-summary";
import { createEnvironmentStacks } from "./stacks/environment-stacks";

function main(): void {
  const environments = loadEnvironmentsOrExit({ deployDate: new Date() });
  try {
    const appBuild = loadAppBuild();
    // Stack traces in construct metadata cost ~0.4 s per synth (source-mapped) and are unused.
    const app = new App({ stackTraces: false });
    for (const env of environments) createEnvironmentStacks(app, env, { appBuild });
    app.synth();
    printSynthSummary(app.outdir);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

main();
