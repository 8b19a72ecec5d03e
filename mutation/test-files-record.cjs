/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS: Jest loads this folder's files as they are */
const path = require("node:path");

/**
 * Where the dry run records each test's file (record-test-files.cjs) and the sequencer reads
 * it (only-covering-files-sequencer.cjs): inside Stryker's sandbox, which is new on every run.
 */
const TEST_FILES_RECORD = path.join(__dirname, ".test-files.jsonl");

/** Test file → the full names of its tests, from the JSON lines of a dry run. */
function parseTestFilesRecord(text) {
  const names = new Map();
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const { file, name } = JSON.parse(line);
    if (!names.has(file)) names.set(file, []);
    names.get(file).push(name);
  }
  return names;
}

/**
 * The test files to run for Jest's `testNamePattern` (a regular expression over tests' full
 * names, matched case-insensitively as Jest matches it): the files with a recorded test it
 * matches. `undefined` means run every file: no pattern (a static mutant, the dry run), no
 * record, or no recorded name matching (never narrow on a guess).
 */
function filesForPattern(testFiles, testNamePattern) {
  if (!testNamePattern || testFiles.size === 0) return undefined;
  const pattern = new RegExp(testNamePattern, "i");
  const files = new Set();
  for (const [file, names] of testFiles) {
    if (names.some((name) => pattern.test(name))) files.add(file);
  }
  return files.size === 0 ? undefined : files;
}

module.exports = { TEST_FILES_RECORD, parseTestFilesRecord, filesForPattern };
