/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS: Jest loads this folder's config files as they are */
/**
 * The import specifiers that mutation runs compile to lazy requires (swc's `module.lazy`,
 * https://swc.rs/docs/configuration/modules): a lazy import loads its module when the code
 * first uses it, not when the importing file loads.
 *
 * Why: a policy test whose synthesis is replayed from disk (__tests__/support/synth-memo.ts)
 * never builds a construct, so it need not load cdktf (about 370 modules) or the AWS
 * provider at all; loading them took about half of each mutant's run.
 *
 * Which: every package import (what swc's `lazy: true` covers), plus imports of the stacks
 * and of the test helper that builds them (__tests__/support/synth.ts). Those are local
 * files, which `lazy: true` always loads eagerly, and a stack module loads cdktf as soon as it
 * loads (it extends TerraformStack). swc's list form makes exactly the listed specifiers lazy,
 * so the list is read from the sources. The modules under mutation are local files outside
 * stacks/, so they still load when their importer loads: which code runs while a test file
 * loads (Stryker's "static" mutants) does not change.
 */
const { readdirSync, readFileSync } = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const SOURCE_DIRS = ["__tests__", "environments", "lib", "modules", "scripts", "stacks"];
/** Local imports to load lazily: a stack module, or the test helper that synthesizes stacks. */
const LAZY_LOCAL = /(^|\/)stacks\/[^/]+$|\/support\/synth$/;

function lazyImportSpecifiers() {
  const specifiers = new Set();
  for (const dir of SOURCE_DIRS) {
    for (const file of readdirSync(path.join(ROOT, dir), { recursive: true })) {
      if (!file.endsWith(".ts")) continue;
      const text = readFileSync(path.join(ROOT, dir, file), "utf8");
      for (const [, specifier] of text.matchAll(/^import (?!type )[^;]*? from "([^"]+)";/gms)) {
        if (!specifier.startsWith(".") || LAZY_LOCAL.test(specifier)) specifiers.add(specifier);
      }
    }
  }
  return [...specifiers].sort();
}

module.exports = { lazyImportSpecifiers };
