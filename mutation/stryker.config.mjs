// StrykerJS, one run per mutation group (mutation/groups.cjs, chosen by MUTATION_GROUP);
// `npm run test:mutation` runs every group through mutation/run.mjs.
// Options: https://stryker-mutator.io/docs/stryker-js/configuration/
// Jest runner: https://stryker-mutator.io/docs/stryker-js/jest-runner/
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { groupNamed } = require("./group.cjs");
const group = groupNamed(process.env.MUTATION_GROUP);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "jest",
  jest: {
    configFile: "mutation/jest.config.cjs",
    // The group's jest config already lists only its tests; resolving related files per
    // mutant would cost more than it saves.
    enableFindRelatedTests: false,
  },
  // Each mutant runs only the tests that reached it in the first, instrumented run.
  coverageAnalysis: "perTest",
  // Two test workers: the machine (and a GitHub-hosted runner) has two cores... or more.
  concurrency: 2,
  mutate: group.mutate,
  // The sandbox copies only what the tests read.
  ignorePatterns: ["cdktf.out", "bootstrap/cdktf.out", ".cache", "examples/nextjs-app", "examples/nuxt-app", "e2e/.results", "bench/.work", "reports", ".venv", "coverage", "mutation/.test-files.jsonl", "mutation/.synth-memo"],
  tempDirName: ".stryker-tmp",
  cleanTempDir: true,
  reporters: ["clear-text", "progress-append-only", "json", "html"],
  jsonReporter: { fileName: `reports/mutation/${group.name}.json` },
  htmlReporter: { fileName: `reports/mutation/${group.name}.html` },
  clearTextReporter: { allowColor: false, logTests: false, reportTests: false, reportScoreTable: true, reportMutants: false },
  // Below 85 % a group fails (issue #20).
  thresholds: { high: 90, low: 85, break: 85 },
  // Stryker's default: a mutant whose tests run this much longer than they did unmutated is an
  // endless loop (status Timeout, counted as detected). Every timed-out mutant holds a test
  // process this long, then restarts it.
  timeoutMS: 5000,
  // Only a group that says why (mutation/groups.cjs) skips its static mutants.
  ignoreStatic: group.ignoreStatic ?? false,
  // Re-runs test only the mutants whose code or tests changed since the last run of the
  // group; the file stays out of git (see docs/mutation-testing.md), CI keeps it in its cache.
  incremental: true,
  incrementalFile: `reports/mutation/${group.name}.incremental.json`,
};
