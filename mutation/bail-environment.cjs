/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS: Jest loads this file as it is */
/**
 * Jest's node environment for mutation runs, plus Stryker's bail: once a test fails while a
 * mutant is active, the rest of that mutant's tests are skipped.
 *
 * Why: a mutant is killed by its first failing test, and Stryker's default (`disableBail:
 * false`, https://stryker-mutator.io/docs/stryker-js/configuration/#disablebail-boolean) is to
 * stop there; but the jest runner cannot bail (it turns Jest's `bail` off), so every covering
 * test ran. A mutant of the policy engine's main loop is covered by nearly every policy test,
 * and each of those mutants ran the whole policy suite even when its first test had failed.
 * jest-circus skips a test whose mode is `skip` when it starts, so this marks the tests that
 * start after a failure. The verdict is the same (killed by the test that failed); a mutant no
 * test kills runs every covering test, as before. The dry run and plain jest runs (no active
 * mutant) skip nothing.
 */
const { TestEnvironment } = require("jest-environment-node");

/** The active mutant that has had a failing test. Jest loads this module once per process, so it spans the mutant's test files. */
let failedMutant;

class BailEnvironment extends TestEnvironment {
  async handleTestEvent(event) {
    const mutant = process.env.__STRYKER_ACTIVE_MUTANT__;
    if (mutant === undefined) return;
    if (event.name === "test_start" && failedMutant === mutant) event.test.mode = "skip";
    else if (event.name === "test_done" && event.test.errors.length > 0) failedMutant = mutant;
  }
}

module.exports = BailEnvironment;
