/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS: Jest loads this file as it is */
/* global afterEach, expect -- a Jest setup file: Jest provides these */
/**
 * Jest setup for mutation runs: during Stryker's first (dry) run, writes which test file each
 * test lives in, one JSON line per test, to mutation/.test-files.jsonl in Stryker's sandbox.
 * only-covering-files-sequencer.cjs reads it so that a mutant runs only the files holding the
 * tests that cover it (see there why).
 *
 * Only in a Stryker test-runner process (STRYKER_MUTATOR_WORKER) and only while no mutant is
 * active (__STRYKER_ACTIVE_MUTANT__ unset: the dry run), so a plain `jest -c
 * mutation/jest.config.cjs` writes nothing.
 */
const { appendFileSync } = require("node:fs");
const { TEST_FILES_RECORD } = require("./test-files-record.cjs");

if (process.env.STRYKER_MUTATOR_WORKER !== undefined && process.env.__STRYKER_ACTIVE_MUTANT__ === undefined) {
  afterEach(() => {
    const { testPath, currentTestName } = expect.getState();
    appendFileSync(TEST_FILES_RECORD, `${JSON.stringify({ file: testPath, name: currentTestName })}\n`);
  });
}
