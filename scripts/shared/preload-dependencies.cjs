/**
 * Loaded with `node --require` ahead of tsx by the npm scripts whose start-up time is
 * measured (package.json: sync-assets). It requires the heavy dependencies through Node's
 * own module loader: under tsx, every require, including the hundreds inside the AWS SDK
 * and zod, goes through tsx's resolve and load hooks, which made a no-change
 * `npm run sync-assets` of 1,500 files spend ~20 % more CPU (bench:sync; 1.5 against 1.25
 * CPU-seconds on the 2-CPU machine it was measured on). Modules loaded here are cached, so
 * the tools' own imports of them cost nothing more. Only what those tools load anyway.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload: requiring is its whole job */
require("@aws-sdk/client-s3");
require("commander");
require("mime-types");
require("zod");
