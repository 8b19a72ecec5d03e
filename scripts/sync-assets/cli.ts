/**
 * npm run sync-assets -- --env <env> --dir <build/client dir> [options]
 *
 * Uploads a build's static assets to the environment's assets bucket before the code that
 * references them is deployed, then writes the release's asset manifest. Adds, never deletes.
 * Exit codes: 0 every file is present and the manifest is written, 1 failure, 2 usage error.
 */
import path from "node:path";
import { RELEASE_ID_PATTERN } from "../../lib/asset-manifest";
import { describeValue, UserError } from "../../lib/errors";
import { immutableByRules } from "../../lib/app-build/description";
import { loadAppBuild } from "../../lib/app-build/load";
import { assetManifestKey, assetsBucketName, syncLockKey } from "../../lib/naming";
import { missingCredentialsMessage } from "../shared/aws";
import { ciRunUrl } from "../shared/ci";
import { AWS_ENVIRONMENT, defineCli, environmentFlag, InvalidArgumentError, matching, printJson, runCli, say, USAGE_ERROR, wholeNumber } from "../shared/cli";
import { defaultReleaseId } from "../shared/git";
import { DEFAULT_LEASE_SECONDS, type HeldElsewhere } from "./lock";
import { classifyByName, DEFAULT_CACHE_POLICIES, normalizePrefix, type CachePolicies } from "./plan";
import { createS3AssetStore, type StoreError } from "./s3-port";
import type { SymlinkNote } from "./scan";
import { syncAssets, type SyncOutcome, type SyncProgress, type SyncSummary } from "./sync";

/**
 * Uploads in flight at once, chosen with `npm run bench:sync` (2,000 files of 1–20 KB into
 * an empty bucket on a local moto_server, 2-CPU machine shared with other work, best of 3
 * interleaved rounds, seconds):
 *
 *   concurrency        4      8     16     32     64
 *   raw PutObject   9.12  10.16   8.80   9.76   7.66
 *   our first sync 10.05   9.96  10.75  10.82   9.71
 *
 * moto is one Python process: from 4 in flight on it is the limit, and every setting is
 * within run-to-run noise (±15 %; the raw loop's best setting in six full runs was 16, 16,
 * 4, 8, 32 and 64). 16 is on that plateau and, unlike 4 or 8, still fills the pipe where
 * each PUT waits out a network round trip (real S3: tens of ms per small object, so 16 in
 * flight is ~300–500 objects/s, far below S3's 3,500 PUT/s per prefix). More only adds
 * sockets.
 */
export const DEFAULT_CONCURRENCY = 16;
/** The hash cache (hash-cache.ts) lives with the project's other tool caches. */
const HASH_CACHE_FOLDER = path.resolve(__dirname, "../../node_modules/.cache/sync-assets");
const MAX_CONCURRENCY = 256;

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** How many failed keys the human output names before summarising the rest. */
const FAILED_KEYS_SHOWN = 20;

export const SYNC_ASSETS_CLI = defineCli({
  command: "npm run sync-assets --",
  purpose:
    "Uploads the build's static assets (keys = paths relative to --dir) to the environment's assets bucket: " +
    "content-hashed files first, then the others, then the release's asset manifest once every file is " +
    "confirmed present. Never deletes anything. Run it before deploying the code that references the assets.",
  flags: {
    env: environmentFlag("environment whose bucket to use"),
    dir: {
      value: "<path>",
      help: "directory to upload (default: the app build's static files, from app.config.ts or APP_DIR, with its key prefix and cache rules)",
    },
    release: {
      value: "<id>",
      help: "release id for the manifest (default: $GITHUB_SHA or another CI commit variable, else git rev-parse HEAD)",
      parse: matching(RELEASE_ID_PATTERN, "1–128 letters, digits, '.', '_' or '-', starting with a letter or digit"),
    },
    bucket: { value: "<name>", help: "bucket to use instead of the environment's assets bucket", parse: matching(BUCKET_NAME, "a valid S3 bucket name") },
    prefix: { value: "<p>", help: "key prefix to put before every path (default: the app build's, without --dir; else none)", parse: keyPrefix },
    concurrency: { value: "<n>", help: "uploads in flight at once", parse: wholeNumber({ min: 1, max: MAX_CONCURRENCY }), default: String(DEFAULT_CONCURRENCY) },
    "hashed-cache-control": { value: "<v>", help: "Cache-Control of content-hashed files", parse: headerValue, default: DEFAULT_CACHE_POLICIES.hashed },
    "unhashed-cache-control": { value: "<v>", help: "Cache-Control of other files", parse: headerValue, default: DEFAULT_CACHE_POLICIES.unhashed },
    "follow-symlinks": { help: "upload the targets of symlinks that point outside --dir (refused by default, each named)" },
    "dry-run": { help: "list what would be uploaded; upload and write nothing" },
    json: { help: "print the result as one JSON object on stdout" },
  },
  examples: [
    "npm run sync-assets -- --env dev",
    "APP_DIR=../web npm run sync-assets -- --env staging --release \"$GITHUB_SHA\"",
    "npm run sync-assets -- --env dev --dir examples/ssr-app/dist/client",
    "npm run sync-assets -- --env prod --dir .open-next/assets --release \"$GITHUB_SHA\" --json",
    "npm run sync-assets -- --env staging --dir dist/client --dry-run",
  ],
  exitCodes: { 0: "every file is present and the manifest is written (or, with --dry-run, planned)", 1: "failure: nothing is half-written; rerun to finish", 2: USAGE_ERROR },
  environment: AWS_ENVIRONMENT,
});

export function main(argv: readonly string[]): Promise<number> {
  return SYNC_ASSETS_CLI.run(argv, async (flags) => {
    const env = flags.env;
    const releaseId = resolveReleaseId(flags.release);
    const bucket = flags.bucket ?? assetsBucketName(env);
    // Without --dir: the app build's static files, where its description puts them and with
    // its cache rules (lib/app-build), so the bucket matches the distribution's origin path.
    const build = flags.dir === undefined ? loadAppBuild() : undefined;
    const dirFlag = flags.dir ?? path.relative(process.cwd(), build!.staticFiles.dir);
    const dir = path.resolve(dirFlag);
    const prefix = flags.prefix ?? build?.staticFiles.keyPrefix ?? "";
    const manifestKey = assetManifestKey(env, releaseId);
    const dryRun = flags["dry-run"];
    const where = { bucket, prefix, region: env.account.region, envName: env.name, dir, dirFlag };
    const rules = build?.staticFiles.cacheRules ?? [];
    const policies: CachePolicies = {
      hashed: flags["hashed-cache-control"],
      unhashed: flags["unhashed-cache-control"],
      ...(rules.length > 0 ? { immutable: (relativePath: string) => immutableByRules(rules, relativePath) } : {}),
    };

    const store = createS3AssetStore({ bucket, region: env.account.region, concurrency: flags.concurrency });
    const interrupt = new AbortController();
    const onSignal = (signal: NodeJS.Signals) => {
      if (interrupt.signal.aborted) {
        say(`${signal} again: quitting at once; the sync lease goes stale ${DEFAULT_LEASE_SECONDS} s after its last renewal`);
        process.exit(1);
      }
      say(`interrupted (${signal}): aborting uploads in flight, then releasing the lease (${signal} again quits at once)`);
      interrupt.abort();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    const progress = progressReporter();
    say(`${dryRun ? "planning" : "syncing"} ${dir} -> s3://${bucket}/${prefix} (env ${env.name}, release ${releaseId})`);
    let outcome: SyncOutcome;
    try {
      outcome = await syncAssets(store, {
        env: env.name,
        dir,
        prefix,
        releaseId,
        manifestKey,
        lockKey: syncLockKey(env),
        concurrency: flags.concurrency,
        classify: classifyByName(policies),
        dryRun,
        followSymlinks: flags["follow-symlinks"],
        hashCacheFolder: HASH_CACHE_FOLDER,
        runUrl: ciRunUrl(process.env),
        signal: interrupt.signal,
        onProgress: progress.update,
      });
    } finally {
      progress.stop();
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      store.close();
    }

    if (flags.json) printJson(toJson(outcome, { ...where, releaseId, manifestKey, dryRun }));
    return report(outcome, where);
  });
}

/** `--prefix`: slash-separated names, normalised to end in one slash (empty: none). */
function keyPrefix(raw: string): string {
  const prefix = normalizePrefix(raw);
  if (!prefix.ok) throw new InvalidArgumentError(prefix.problem);
  return prefix.prefix;
}

function headerValue(raw: string): string {
  if (raw.trim() === "" || /[\r\n]/.test(raw)) throw new InvalidArgumentError("must be a non-empty one-line header value");
  return raw.trim();
}

/** The human report on stderr and the exit code; failures that are one line become UserErrors. */
function report(outcome: SyncOutcome, where: Where): number {
  switch (outcome.kind) {
    case "synced":
      say(summaryLine(outcome.summary, false));
      say(`manifest: s3://${where.bucket}/${outcome.manifestKey}`);
      return 0;
    case "planned":
      for (const upload of outcome.summary.uploads) say(`  would upload ${upload.key} (${upload.reason})`);
      say(summaryLine(outcome.summary, true));
      say(`would write manifest: s3://${where.bucket}/${outcome.manifestKey}`);
      return 0;
    case "directory-problem":
      throw new UserError(directoryProblemMessage(outcome.problem, where));
    case "unreadable-file":
      throw new UserError(`cannot read ${outcome.path} under --dir (${outcome.message}); fix its permissions or remove it`);
    case "symlink-problem":
      for (const line of symlinkProblemLines(outcome.problem, outcome.links, where)) say(line);
      return 1;
    case "locked":
      throw new UserError(lockedMessage(outcome.by, where));
    case "reserved-keys":
      throw new UserError(
        `--dir ${where.dirFlag} holds ${outcome.keys.length} file(s) that would land in _releases/ ` +
          `(e.g. ${outcome.keys[0]}), which belongs to the release tooling; pass --prefix or remove them`,
      );
    case "store-error":
      throw new UserError(storeErrorMessage(outcome.error, outcome.stage, where));
    case "upload-failed": {
      const fatal = outcome.failed.find((failure) => failure.error.kind !== "other");
      if (fatal) say(`error: ${storeErrorMessage(fatal.error, "upload", where)}`);
      say(`error: ${outcome.failed.length} file(s) failed to upload; no manifest was written:`);
      sayKeys(outcome.failed.map((failure) => `${failure.key}: ${failure.error.code}: ${failure.error.message}`));
      if (outcome.notAttempted > 0) say(`  ${outcome.notAttempted} file(s) not attempted`);
      say(`${summaryLine(outcome.summary, false)}; rerun to upload the rest`);
      return 1;
    }
    case "incomplete":
      say(`error: ${outcome.missing.length} file(s) are not in the bucket after upload; no manifest was written:`);
      sayKeys(outcome.missing);
      return 1;
    case "changed-during-sync":
      say(
        `error: ${outcome.keys.length} key(s) in s3://${where.bucket}/${where.prefix} changed while this sync ran: ` +
          `they no longer hold the bytes it uploaded or verified, so no manifest was written:`,
      );
      sayKeys(outcome.keys);
      say(
        "  sync-assets runs hold a lease on the environment, so another writer did this (aws s3 cp, another tool); " +
          "rerun once it is done",
      );
      return 1;
    case "lost-lock":
      throw new UserError(
        `lost the sync lease s3://${where.bucket}/${outcome.key} part way: another run found it stale and took it over; ` +
          `no manifest was written (${summaryLine(outcome.summary, false)}); rerun when that run is done`,
      );
    case "interrupted":
      for (const line of interruptedLines(outcome)) say(line);
      return 1;
  }
}

/** One line per item, indented, the first FAILED_KEYS_SHOWN of them, then how many more. */
function itemLines(items: readonly string[], indent = "  "): string[] {
  const lines = items.slice(0, FAILED_KEYS_SHOWN).map((item) => `${indent}${item}`);
  if (items.length > FAILED_KEYS_SHOWN) lines.push(`${indent}… and ${items.length - FAILED_KEYS_SHOWN} more`);
  return lines;
}

function sayKeys(keys: readonly string[]): void {
  for (const line of itemLines(keys)) say(line);
}

/** What an interrupted run did and did not do: it exits 1 and writes no manifest. */
function interruptedLines(outcome: Extract<SyncOutcome, { kind: "interrupted" }>): string[] {
  const { summary, notUploaded, abortedMultipart } = outcome;
  const planned = summary.uploaded + notUploaded.length;
  const mb = (summary.bytesUploaded / 1e6).toFixed(1);
  const lines = [`interrupted: uploaded ${summary.uploaded} of ${planned} file(s) to upload (${mb} MB) before stopping`];
  if (notUploaded.length > 0) lines.push(`  not uploaded (${notUploaded.length}):`, ...itemLines(notUploaded, "    "));
  for (const { key, abort } of abortedMultipart) {
    lines.push(
      abort === "done"
        ? `  aborted the multipart upload of ${key} (AbortMultipartUpload: its parts are freed)`
        : `  could not abort the multipart upload of ${key}: its parts stay until a lifecycle rule or aws s3api abort-multipart-upload removes them`,
    );
  }
  lines.push("  no manifest was written; rerun to finish");
  return lines;
}

function symlinkProblemLines(problem: "outside" | "broken", links: readonly SymlinkNote[], where: Where): string[] {
  const shown = itemLines(links.map((link) => `${link.path} -> ${link.target}`));
  if (problem === "outside") {
    return [
      `error: --dir ${where.dirFlag} holds ${links.length} symlink(s) pointing outside it; their targets would be uploaded:`,
      ...shown,
      "  remove them, or pass --follow-symlinks to upload what they point at",
    ];
  }
  return [
    `error: --dir ${where.dirFlag} holds ${links.length} symlink(s) whose target does not exist:`,
    ...shown,
    "  the build is incomplete: rebuild it or remove the links",
  ];
}

/** Another sync holds the environment's lease: who, since when, and when it goes stale. */
function lockedMessage(by: HeldElsewhere, where: Where): string {
  const holder = by.holder
    ? `release ${by.holder.releaseId} on ${by.holder.host} (pid ${by.holder.pid}, started ${by.holder.startedAt}${by.holder.runUrl ? `, ${by.holder.runUrl}` : ""})`
    : "an unknown holder";
  return (
    `another sync-assets run holds the lease s3://${where.bucket}/${by.key}: ${holder}, last renewed ${by.lastRenewed.toISOString()}; ` +
    `nothing was written. Deploys to ${where.envName} are meant to run one at a time (the workflow's deploy-${where.envName} ` +
    `concurrency group); if that run is gone, its lease goes stale at ${by.staleAt.toISOString()}: rerun after that`
  );
}

interface Where {
  readonly bucket: string;
  readonly prefix: string;
  readonly region: string;
  readonly envName: string;
  readonly dir: string;
  readonly dirFlag: string;
}

function summaryLine(summary: SyncSummary, dryRun: boolean): string {
  const mb = (summary.bytesUploaded / 1e6).toFixed(1);
  if (!dryRun && summary.uploaded === 0) {
    return `nothing to upload: all ${summary.files} files already present (${summary.seconds} s)`;
  }
  return (
    `${dryRun ? "would upload" : "uploaded"} ${summary.uploaded} file(s) (${mb} MB), ` +
    `skipped ${summary.skipped} already present, ${summary.files} in total, in ${summary.seconds} s`
  );
}

function directoryProblemMessage(problem: "missing" | "not-a-directory" | "empty", where: Where): string {
  switch (problem) {
    case "missing":
      return `--dir: directory not found: ${where.dir} (got ${describeValue(where.dirFlag)}); build the app first or fix the path`;
    case "not-a-directory":
      return `--dir: not a directory: ${where.dir} (got ${describeValue(where.dirFlag)}); pass the build's client directory`;
    case "empty":
      return `--dir: no files to upload in ${where.dir} (dotfiles are skipped); build the app first or fix the path`;
  }
}

function endpointText(where: Where): string {
  const endpoint = process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
  return endpoint ? `endpoint ${endpoint}` : `region ${where.region}`;
}

/** One line: what failed, where, the code S3 gave, and what to do about it. */
export function storeErrorMessage(error: StoreError, stage: string, where: Where): string {
  const target = `s3://${where.bucket}/${where.prefix}`;
  switch (error.kind) {
    case "no-such-bucket":
      return (
        `bucket ${where.bucket} does not exist (NoSuchBucket, ${endpointText(where)}); ` +
        `deploy the ${where.envName}-distribution stack first or pass --bucket <name>`
      );
    case "access-denied":
      return (
        `access denied while ${stageVerb(stage)} ${target} (${error.code}); the credentials in use need ` +
        `s3:ListBucket on the bucket and s3:GetObject and s3:PutObject on its objects (s3:DeleteObject on _releases/<env>/sync-assets.lock)`
      );
    case "invalid-access-key":
      return `AWS does not know the access key id in use (InvalidAccessKeyId, ${target}); check AWS_ACCESS_KEY_ID or AWS_PROFILE`;
    case "signature-mismatch":
      return (
        `AWS rejected the request signature (SignatureDoesNotMatch, ${target}); the secret access key does not ` +
        `match the access key id: check AWS_SECRET_ACCESS_KEY or AWS_PROFILE`
      );
    case "no-credentials":
      return missingCredentialsMessage(new Error(error.message));
    case "precondition-failed":
    case "not-found":
    case "file-changed":
    case "aborted":
    case "other":
      return `${stageVerb(stage)} ${target} failed (${error.code}${error.httpStatus ? `, HTTP ${error.httpStatus}` : ""}): ${error.message}`;
  }
}

function stageVerb(stage: string): string {
  switch (stage) {
    case "list":
    case "confirm":
      return "listing";
    case "head":
      return "reading object metadata in";
    case "lock":
      return "taking the sync lease in";
    case "manifest":
      return "writing the manifest to";
    default:
      return "uploading to";
  }
}

function toJson(
  outcome: SyncOutcome,
  context: Where & { readonly releaseId: string; readonly manifestKey: string; readonly dryRun: boolean },
): Record<string, unknown> {
  const base = {
    ok: outcome.kind === "synced" || outcome.kind === "planned",
    outcome: outcome.kind,
    env: context.envName,
    bucket: context.bucket,
    prefix: context.prefix,
    releaseId: context.releaseId,
    manifestKey: outcome.kind === "synced" ? context.manifestKey : null,
    dryRun: context.dryRun,
  };
  const summary = "summary" in outcome ? outcome.summary : undefined;
  const counts = summary && {
    files: summary.files,
    hashedFiles: summary.hashedFiles,
    uploaded: summary.uploaded,
    skipped: summary.skipped,
    bytesUploaded: summary.bytesUploaded,
    filesRead: summary.filesRead,
    heads: summary.heads,
    previousManifest: summary.previousManifest,
    seconds: summary.seconds,
    phaseSeconds: summary.phaseSeconds,
  };
  switch (outcome.kind) {
    case "synced":
      return { ...base, ...counts };
    case "planned":
      return { ...base, ...counts, uploads: outcome.summary.uploads };
    case "upload-failed":
      return {
        ...base,
        ...counts,
        failed: outcome.failed.map((f) => ({ key: f.key, code: f.error.code, message: f.error.message })),
        notAttempted: outcome.notAttempted,
      };
    case "incomplete":
      return { ...base, ...counts, missing: outcome.missing };
    case "changed-during-sync":
      return { ...base, ...counts, changed: outcome.keys };
    case "lost-lock":
      return { ...base, ...counts, error: `lost the sync lease ${outcome.key}` };
    case "interrupted":
      return { ...base, ...counts, notUploaded: outcome.notUploaded, abortedMultipart: outcome.abortedMultipart };
    case "locked":
      return { ...base, error: lockedMessage(outcome.by, context), holder: outcome.by.holder ?? null };
    case "symlink-problem":
      return { ...base, error: symlinkProblemLines(outcome.problem, outcome.links, context)[0], links: outcome.links };
    case "store-error":
      return { ...base, error: storeErrorMessage(outcome.error, outcome.stage, context) };
    case "directory-problem":
      return { ...base, error: directoryProblemMessage(outcome.problem, context) };
    case "unreadable-file":
      return { ...base, error: `cannot read ${outcome.path}: ${outcome.message}` };
    case "reserved-keys":
      return { ...base, error: "files would land in _releases/", keys: outcome.keys };
  }
}

/**
 * --release, else the CI commit (GITHUB_SHA, …), else `git rev-parse HEAD`: one rule with
 * the release tooling's --release-id (scripts/shared/git.ts), so both name the same manifest.
 * The result must match RELEASE_ID_PATTERN.
 */
export function resolveReleaseId(
  flag: string | undefined,
  cwd = process.cwd(),
  vars: Readonly<Record<string, string | undefined>> = process.env,
): string {
  const resolved = defaultReleaseId(flag, { cwd, vars });
  if (!resolved.ok) {
    throw new UserError(
      `--release not given and ${resolved.problem}; pass --release <id>, e.g. --release "$(git rev-parse HEAD)" from the app's checkout`,
      2,
    );
  }
  const releaseId = resolved.value;
  if (!RELEASE_ID_PATTERN.test(releaseId)) {
    throw new UserError(
      `--release must be 1–128 letters, digits, '.', '_' or '-', starting with a letter or digit (got ${describeValue(releaseId)})`,
      2,
    );
  }
  return releaseId;
}

/** A progress bar on stderr when it is a terminal; nothing otherwise (CI logs, pipes). */
function progressReporter(): { update: (progress: SyncProgress) => void; stop: () => void } {
  if (!process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  // Loaded only for a terminal: CI logs and pipes never pay for it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { SingleBar } = require("cli-progress") as typeof import("cli-progress");
  const bar = new SingleBar({
    stream: process.stderr,
    format: "uploading [{bar}] {value}/{total} files | {mb} MB | {duration_formatted}",
    hideCursor: true,
    clearOnComplete: true,
  });
  let started = false;
  return {
    update: ({ done, total, bytes }) => {
      if (total === 0) return;
      const mb = (bytes / 1e6).toFixed(1);
      if (!started) {
        bar.start(total, done, { mb });
        started = true;
      } else {
        bar.update(done, { mb });
      }
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

if (require.main === module) runCli(main);
