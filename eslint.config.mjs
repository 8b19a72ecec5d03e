// ESLint flat config: typescript-eslint's recommended rules plus the workspace's own.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const PROVIDER_BARREL = {
  regex: "^@cdktf/provider-aws(/lib(/index)?)?$",
  message: "Import by deep path, e.g. @cdktf/provider-aws/lib/s3-bucket (the barrel costs seconds per synth).",
};

const TEMP_DIR = "Use tempDir() from __tests__/support/temp-dir.ts: its folders are removed when the test file ends.";

export default tseslint.config(
  { ignores: ["node_modules/", "cdktf.out/", "**/dist/", ".venv/", "coverage/", "bench/.work/", "e2e/.results/", ".cache/", ".stryker-tmp/", "reports/", "examples/nextjs-app/", "examples/nuxt-app/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", __dirname: "readonly", require: "readonly", module: "writable", Buffer: "readonly", URL: "readonly", fetch: "readonly", setTimeout: "readonly", clearTimeout: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // The provider's barrel import loads every resource class: seconds and hundreds of MB
      // per synth and test run. Import each resource by its deep path instead.
      "no-restricted-imports": ["error", { patterns: [PROVIDER_BARREL] }],
    },
  },
  {
    // Tests make temporary folders through support/temp-dir.ts only, which removes them when
    // the test file ends, so `npm test` leaves nothing in the temp directory.
    files: ["__tests__/**"],
    ignores: ["__tests__/support/temp-dir.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [PROVIDER_BARREL],
          paths: ["fs", "node:fs", "fs/promises", "node:fs/promises"].map((name) => ({ name, importNames: ["mkdtemp", "mkdtempSync"], message: TEMP_DIR })),
        },
      ],
      "no-restricted-properties": ["error", ...["mkdtemp", "mkdtempSync"].map((property) => ({ object: "fs", property, message: TEMP_DIR }))],
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[callee.object.name='Testing'][callee.property.name='app']:not(:has(Property[key.name='outdir']))",
          message: `Testing.app() makes a temp folder nobody removes: pass { outdir: tempDir() }. ${TEMP_DIR}`,
        },
        {
          selector: "CallExpression[callee.object.name='Testing'][callee.property.name=/^(fullSynth|synthScope)$/]",
          message: `Testing.fullSynth and Testing.synthScope make a temp folder nobody removes: use synthScope from __tests__/support/synth-scope.ts. ${TEMP_DIR}`,
        },
      ],
    },
  },
  {
    // Framework imports stay in stacks/, modules/ and the app entry points (and their tests),
    // so moving to the community fork (cdktn) touches only those. Everything else, including
    // any folder added later, is plain TypeScript.
    files: ["**/*.{ts,mts,cts,js,mjs,cjs}"],
    ignores: ["stacks/**", "modules/**", "main.ts", "bootstrap/main.ts", "__tests__/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            PROVIDER_BARREL,
            {
              regex: "^(cdktf|constructs|@cdktf/.*)$",
              message: "Framework imports belong in stacks/, modules/ or main.ts only.",
            },
          ],
        },
      ],
    },
  },
);
