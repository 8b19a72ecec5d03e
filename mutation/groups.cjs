/**
 * The modules that decide, grouped with the unit tests that pin them down. Each group is one
 * Stryker run (`npm run test:mutation -- <group>`): a mutant only ever runs its group's test
 * files, so a mutant in module-level code (a zod schema, a rule's table) costs one group's
 * tests, not the whole unit suite. No moto_server suites: those test the AWS calls, not the
 * decisions, and cost a network round trip per mutant.
 */
/** What the policy groups share: that their static mutants are ignored. */
const POLICY = {
  // Every rule's id, title, severity and control mapping is a module-level table: a mutant
  // there is "static" (it runs while the module loads, before any test), so Stryker would
  // run every one of the group's test files per mutant. Those mutants are reported as
  // Ignored (counted in the summary), not as killed; the rules' check functions, where the
  // decisions are, are all tested per test.
  ignoreStatic: true,
};

/**
 * A policy rule group's tests: the rules' own decision tests (hand-written JSON, no synthesis)
 * and the synth-based test files that name those rules' ids. Only those: every synth-based
 * test runs the engine with every rule, so each test of another area "covers" every rule
 * mutant, and with all 20 policy test files a rule group ran 11 to 16 minutes.
 */
function policyTests(...files) {
  return files.map((file) => `scripts/policy/${file}.test.ts`);
}

/** What the plan-review groups share: their tests. */
const PLAN_REVIEW = {
  tests: [
    "scripts/plan-review/summarize.test.ts",
    "scripts/plan-review/summary-details.test.ts",
    "scripts/plan-review/certificate-warnings.test.ts",
    "scripts/plan-review/fixtures.test.ts",
    "scripts/plan-review/parse.test.ts",
    "scripts/plan-review/plan-checks.test.ts",
    "scripts/plan-review/render.test.ts",
    // Not malformed.property.test.ts: its three properties generate 425 plans, and they
    // reach nearly every parse and summarize mutant, so each of those would re-run them
    // all (Stryker's estimate for the group was over two hours). They guard robustness
    // (no malformed plan ever passes) in `npm test`; the decisions must be pinned down by
    // the tests above on their own, so the group's score is a lower bound.
  ],
};

/** What the environments groups share: their tests. */
const ENVIRONMENTS = {
  tests: ["environments/validation.test.ts", "environments/loader.test.ts", "environments/aws-names.test.ts", "environments/lambda-runtimes.test.ts"],
};

module.exports = [
  {
    name: "release",
    why: "release, rollback and prune decisions; the canary's steps (canaryWeights); version sets",
    mutate: ["scripts/release/plan.ts", "scripts/release/version-set.ts", "scripts/release/moves.ts"],
    tests: [
      "scripts/release/plan.test.ts",
      "scripts/release/plan-outcomes.test.ts",
      "scripts/release/version-set.test.ts",
      "scripts/release/ledger.test.ts",
      "scripts/release/move-set.test.ts",
    ],
  },
  // plan-review's three modules hold about 1,170 mutants, more than one job gets through in
  // 10 minutes on two cores, so each module is its own group; all three run the same tests.
  {
    name: "plan-review-parse",
    why: "reading plans: a file that is not a plan, or a plan Terraform would not write, fails closed",
    ...PLAN_REVIEW,
    mutate: ["scripts/plan-review/parse.ts"],
  },
  {
    name: "plan-review-checks",
    why: "the checks a schema cannot do (addresses, stacks, duplicate changes)",
    ...PLAN_REVIEW,
    mutate: ["scripts/plan-review/plan-checks.ts"],
  },
  {
    name: "plan-review-summary",
    why: "the summary and the destroy gate",
    ...PLAN_REVIEW,
    mutate: ["scripts/plan-review/summarize.ts"],
  },
  // The schema's 424 mutants (162 of them static: they run every test file) and the rules'
  // 627 are two groups, each under 10 minutes on two cores; both run the same tests.
  {
    name: "environments-schema",
    why: "environment validation: the zod schema of one environment file",
    ...ENVIRONMENTS,
    mutate: ["environments/schema.ts"],
  },
  {
    name: "environments-rules",
    why: "environment validation: cross-environment rules, AWS name rules, the loader",
    ...ENVIRONMENTS,
    mutate: ["environments/index.ts", "environments/rules/*.ts"],
  },
  {
    name: "sync-assets",
    why: "which files sync uploads, with which headers, and never under _releases/",
    mutate: ["scripts/sync-assets/plan.ts"],
    tests: ["scripts/sync-assets/plan.test.ts", "scripts/sync-assets/build-cache-rules.test.ts"],
  },
  // The policy engine and rules: about 3,700 mutants (1,000 of them static, ignored), in seven
  // groups that CI runs side by side, each under 10 minutes on two cores. Each runs only the
  // test files of its own modules; a mutant loads only the files holding its covering tests
  // (only-covering-files-sequencer.cjs), and a test's synthesized stacks are replayed from
  // the first run (__tests__/support/synth-memo.ts).
  {
    name: "policy-engine",
    why: "the policy engine (suppressions, statuses) and what it reads (IAM documents, expressions, ARNs, actions)",
    ...POLICY,
    // Only the engine's own tests: every rule test passes through the engine (show,
    // checkEach, the main loop), so with them each engine mutant ran nearly every policy
    // test file, and the group took more than 10 minutes. These four pin the engine down
    // on hand-written JSON.
    tests: policyTests("engine", "engine-report", "expressions", "iam"),
    mutate: [
      "scripts/policy/engine.ts",
      "scripts/policy/rule.ts",
      "scripts/policy/iam.ts",
      "scripts/policy/expressions.ts",
      "scripts/policy/arn.ts",
      "scripts/policy/iam-actions.ts",
      "scripts/policy/policy-sites.ts",
      "scripts/policy/rules/index.ts",
    ],
  },
  {
    name: "policy-iam",
    why: "the IAM rules: wildcards, trust, unconstrained actions, resource policies",
    ...POLICY,
    // rules-app names IAM-1 on the app stack's roles.
    tests: policyTests("rules-iam-decisions", "rules-iam", "rules-app"),
    mutate: ["scripts/policy/rules/iam*.ts"],
  },
  {
    name: "policy-s3",
    why: "the policy rules for buckets",
    ...POLICY,
    tests: policyTests("rules-s3-decisions", "rules-s3"),
    mutate: ["scripts/policy/rules/s3.ts"],
  },
  {
    name: "policy-edge",
    why: "the policy rules for the distribution and certificates",
    ...POLICY,
    tests: policyTests("rules-cloudfront-decisions", "rules-cloudfront", "rules-certificates-decisions", "rules-certificates"),
    mutate: ["scripts/policy/rules/cloudfront.ts", "scripts/policy/rules/certificates.ts"],
  },
  {
    name: "policy-release",
    why: "the policy rules for releases (aliases, versions, the release bucket) and monitoring",
    ...POLICY,
    // rules-platform names MON-1 on the alarms.
    tests: policyTests("rules-release-decisions", "rules-release", "rules-platform"),
    mutate: ["scripts/policy/rules/release.ts", "scripts/policy/rules/monitoring.ts"],
  },
  {
    name: "policy-functions",
    why: "the policy rules for functions, their logs and tags",
    ...POLICY,
    // rules-app names LAM, LOG and API; rules-platform names TAG-1.
    tests: policyTests("rules-functions-decisions", "rules-app", "rules-platform"),
    mutate: ["scripts/policy/rules/lambda.ts", "scripts/policy/rules/logs.ts", "scripts/policy/rules/tags.ts"],
  },
  {
    name: "policy-data",
    why: "the policy rules for secrets, encryption and tables",
    ...POLICY,
    // rules-app names DDB; rules-platform names SEC.
    tests: policyTests("rules-data-decisions", "rules-encryption", "rules-app", "rules-platform"),
    mutate: ["scripts/policy/rules/secrets.ts", "scripts/policy/rules/encryption.ts", "scripts/policy/rules/dynamodb.ts"],
  },
  {
    name: "app-build",
    why: "which kind of build it is, and the description (functions, static files, behaviours) the stacks and tools read",
    mutate: ["lib/app-build/detect.ts", "lib/app-build/description.ts", "lib/app-build/adapters/*.ts"],
    tests: [
      "lib/app-build/detect.test.ts",
      "lib/app-build/description.test.ts",
      "lib/app-build/adapters.test.ts",
      "lib/app-build/opennext-adapter.test.ts",
      "lib/app-build/nitro-adapter.test.ts",
      "scripts/sync-assets/build-cache-rules.test.ts",
    ],
  },
];
