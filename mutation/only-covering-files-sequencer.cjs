/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS: Jest loads this file as it is */
/**
 * Jest test sequencer for mutation runs: runs only the test files that hold the tests
 * covering the active mutant.
 *
 * Why: with per-test coverage, Stryker's jest runner asks for a mutant's covering tests by
 * name (`testNamePattern`) but still has Jest load every test file of the group, and loading
 * a file (its imports, its describe blocks) costs more than running the few tests that match.
 * Jest lets a sequencer's `sort` return fewer tests than it was given
 * (https://jestjs.io/docs/configuration#testsequencer-string), so this one drops the files
 * that hold none of the covering tests, using the dry run's record of which test lives where
 * (record-test-files.cjs). The same tests run, minus files that would have run nothing, the
 * quickest file first (a killed mutant stops at its first failing test: bail-environment.cjs).
 */
const { readFileSync, statSync } = require("node:fs");
const Sequencer = require("@jest/test-sequencer").default;
const { TEST_FILES_RECORD, parseTestFilesRecord, filesForPattern } = require("./test-files-record.cjs");

/** The record, read once per process (it is written once, before any mutant runs). */
let record;
function testFiles() {
  if (record === undefined) {
    try {
      statSync(TEST_FILES_RECORD);
      record = parseTestFilesRecord(readFileSync(TEST_FILES_RECORD, "utf8"));
    } catch {
      return new Map(); // not written yet (the dry run itself) or not a Stryker run: run every file
    }
  }
  return record;
}

class OnlyCoveringFilesSequencer extends Sequencer {
  constructor(options) {
    super(options);
    this.testNamePattern = options.globalConfig.testNamePattern;
  }

  sort(tests) {
    const files = filesForPattern(testFiles(), this.testNamePattern);
    const covering = files === undefined ? tests : tests.filter((test) => files.has(test.path));
    // Quickest file first (Jest's own order is slowest first): a mutant stops at its first
    // failing test (bail-environment.cjs), so a killed mutant should fail before the slow files.
    return covering.map((test) => ({ test, seconds: this.time(test) ?? 0 })).sort((a, b) => a.seconds - b.seconds).map(({ test }) => test);
  }
}

module.exports = OnlyCoveringFilesSequencer;
