/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS: Jest and Stryker load this folder's config files as they are */
/**
 * Jest for one mutation group (mutation/groups.cjs, chosen by MUTATION_GROUP): that group's
 * unit tests only, and no moto_server global setup.
 * @type {import('jest').Config}
 */
const path = require("node:path");
const base = require("../jest.config.js");
const { groupNamed } = require("./group.cjs");
const { lazyImportSpecifiers } = require("./lazy-imports.cjs");

const group = groupNamed(process.env.MUTATION_GROUP);

module.exports = {
  // Relative, so that inside Stryker's sandbox the tests read the sandbox's (mutated) copy.
  rootDir: "..",
  // Node's environment, with Stryker's bail (bail-environment.cjs says why).
  // An absolute path: Stryker's jest runner loads the environment from the configured name itself.
  testEnvironment: path.join(__dirname, "bail-environment.cjs"),
  roots: base.roots,
  // Imports of packages and stacks load when first used, not when the file loads
  // (lazy-imports.cjs says why and which).
  transform: {
    ...base.transform,
    "^.+\\.tsx?$": ["@swc/jest", { jsc: { target: "es2022" }, module: { type: "commonjs", lazy: lazyImportSpecifiers() } }],
  },
  // The dry run records which file holds each test; the sequencer then loads, per mutant, only
  // the files holding its covering tests (only-covering-files-sequencer.cjs says why).
  setupFilesAfterEnv: [...base.setupFilesAfterEnv, "<rootDir>/mutation/record-test-files.cjs"],
  testSequencer: "<rootDir>/mutation/only-covering-files-sequencer.cjs",
  testTimeout: base.testTimeout,
  testMatch: group.tests.map((file) => `<rootDir>/__tests__/${file}`),
};
