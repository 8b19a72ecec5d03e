/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS: Jest and Stryker load this folder's config files as they are */
/**
 * Jest for one mutation group (mutation/groups.cjs, chosen by MUTATION_GROUP): that group's
 * unit tests only, and no moto_server global setup.
 * @type {import('jest').Config}
 */
const base = require("../jest.config.js");
const { groupNamed } = require("./group.cjs");

const group = groupNamed(process.env.MUTATION_GROUP);

module.exports = {
  // Relative, so that inside Stryker's sandbox the tests read the sandbox's (mutated) copy.
  rootDir: "..",
  testEnvironment: base.testEnvironment,
  roots: base.roots,
  transform: base.transform,
  setupFilesAfterEnv: base.setupFilesAfterEnv,
  testTimeout: base.testTimeout,
  testMatch: group.tests.map((file) => `<rootDir>/__tests__/${file}`),
};
