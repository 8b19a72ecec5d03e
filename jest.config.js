/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // The slow end-to-end suites (*.e2e.test.ts: whole commands that start their own emulator,
  // edge and browser) run with `npm run test:e2e` in .ci/run and CI, not here.
  testPathIgnorePatterns: ["/node_modules/", "\\.e2e\\.test\\.ts$"],
  transform: {
    "^.+\\.tsx?$": ["@swc/jest", { jsc: { target: "es2022" } }],
    // github-slugger (the docs tests' anchors) ships only as an ES module: swc turns it into
    // CommonJS as it does the tests; no other package is transformed.
    "/node_modules/github-slugger/.+\\.js$": ["@swc/jest", { jsc: { target: "es2022" } }],
  },
  transformIgnorePatterns: ["/node_modules/(?!github-slugger/)"],
  // One moto_server for the whole run; each test uses its own bucket/function names.
  globalSetup: "<rootDir>/__tests__/support/global-setup.ts",
  globalTeardown: "<rootDir>/__tests__/support/global-teardown.ts",
  // Each test file's temporary folders are removed when it ends (support/temp-dir.ts).
  setupFilesAfterEnv: ["<rootDir>/__tests__/support/remove-temp-dirs.ts"],
  testTimeout: 60000,
  // Jest's default is one worker fewer than the cores: one worker on the 2-core machines this
  // runs on (CI included), which left a core idle while a worker waited on moto or a child
  // process. Two workers keep both busy.
  maxWorkers: 2,
};
