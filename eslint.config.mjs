// ESLint flat config: typescript-eslint's recommended rules plus the workspace's own.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "cdktf.out/", "**/dist/", ".venv/", "coverage/", "bench/.work/", "e2e/.results/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", __dirname: "readonly", require: "readonly", module: "writable", Buffer: "readonly", URL: "readonly", fetch: "readonly", setTimeout: "readonly", clearTimeout: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // The provider's barrel import loads every resource class: seconds and hundreds of MB
      // per synth and test run. Import each resource by its deep path instead.
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "@cdktf/provider-aws",
              message: "Import by deep path, e.g. @cdktf/provider-aws/lib/s3-bucket (the barrel costs seconds per synth).",
            },
          ],
          patterns: [
            {
              group: ["@cdktf/provider-aws/lib", "@cdktf/provider-aws/lib/index"],
              message: "Import by deep path, e.g. @cdktf/provider-aws/lib/s3-bucket.",
            },
          ],
        },
      ],
    },
  },
);
