/**
 * Release tools CLI: `release`, `rollback`, `list` (npm run releases) and `prune`.
 * Flags in kebab-case, human output on stderr, `--json` prints one result object on stdout.
 * Exit 0 when the outcome is what was asked for (including a no-op), 1 when it was refused
 * or failed, 2 for a usage error.
 */
import { RELEASE_ID_PATTERN } from "../../lib/asset-manifest";
import { UserError } from "../../lib/errors";
import { alarmNamePrefix, assetsBucketName, LIVE_ALIAS, ssrFunctionName } from "../../lib/naming";
import {
  AWS_ENVIRONMENT,
  defineCli,
  environmentFlag,
  matching,
  printJson,
  runCli,
  say,
  USAGE_ERROR,
  wholeNumber,
  type Cli,
  type FlagSpecs,
  type FlagValues,
} from "../shared/cli";
import { CallRecorder, createAwsPorts } from "./aws";
import { ciRunUrl } from "../shared/ci";
import { defaultReleaseId, resolveCommit } from "../shared/git";
import { actorFromEnvironment } from "./context";
import { arrow, formatDuration, pruneLines, releasesTable } from "./format";
import type { ReleasePorts, ReleaseTarget } from "./ports";
import { rollback } from "./rollback";

const RESOURCE_NAME = matching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,139}$/, "a resource name (letters, digits, . _ : -)");

/** Flags every release command takes. */
const COMMON_FLAGS = {
  env: environmentFlag("environment whose alias and ledger to use"),
  bucket: { value: "<name>", help: "assets bucket instead of the environment's (it holds the ledger)", parse: RESOURCE_NAME },
  "function-name": { value: "<name>", help: "Lambda function instead of the environment's SSR function", parse: RESOURCE_NAME },
  alias: { value: "<name>", help: `alias to move or read (default: ${LIVE_ALIAS})`, parse: RESOURCE_NAME },
  json: { help: "print one result object on stdout (human output stays on stderr)" },
} as const;

const NAMES_NOTE = "--bucket, --function-name and --alias override the names from lib/naming.ts.";

const RELEASE_CLI = defineCli({
  command: "npm run release --",
  purpose:
    "Moves the environment's alias to a published Lambda version (the newest, or --version) once the " +
    "release's assets are in the bucket, optionally as a canary watched by the environment's alarms, and " +
    `appends a record to the release ledger. Refuses while a rollback pins the environment, unless --unpin. ${NAMES_NOTE}`,
  flags: {
    ...COMMON_FLAGS,
    "release-id": {
      value: "<id>",
      help: "release to ship; its asset manifest must exist (default: $GITHUB_SHA or another CI commit variable, else git rev-parse HEAD)",
      parse: matching(RELEASE_ID_PATTERN, `a release id matching ${RELEASE_ID_PATTERN} (letters, digits, . _ -)`),
    },
    version: { value: "<n>", help: "Lambda version to release (default: the newest published)", parse: wholeNumber({ min: 1 }) },
    "git-sha": { value: "<sha>", help: "commit written in the ledger record (default: as --release-id)" },
    unpin: { help: "move forward an environment a rollback pinned" },
    canary: { value: "<percent>", help: "shift traffic gradually, starting with this share for the new version", parse: wholeNumber({ min: 1, max: 99 }) },
    steps: { value: "<k>", help: "canary steps before all traffic moves (default: 3)", parse: wholeNumber({ min: 1, max: 20 }) },
    "step-minutes": { value: "<m>", help: "minutes each canary step waits, watching the alarms (default: 5)", parse: wholeNumber({ min: 1, max: 120 }) },
    "step-seconds": { value: "<s>", help: "step length in seconds instead of minutes (tests and the demo)", parse: wholeNumber({ min: 0, max: 7200 }) },
    "alarm-prefix": { value: "<prefix>", help: "alarm name prefix a canary watches (default: <project>-<env>-)" },
  },
  examples: [
    'npm run release -- --env staging --release-id "$GITHUB_SHA"',
    'npm run release -- --env prod --release-id "$GITHUB_SHA" --canary 10 --steps 3 --step-minutes 5',
    "npm run release -- --env prod --unpin --json",
  ],
  exitCodes: {
    0: "released, recorded, or already live (a no-op that says so)",
    1: "refused (missing assets, pinned, ledger drift), canary aborted, or failed; MOVED-UNRECORDED and TRAFFIC-SPLIT say what to run",
    2: USAGE_ERROR,
  },
  environment: AWS_ENVIRONMENT,
});

const ROLLBACK_CLI = defineCli({
  command: "npm run rollback --",
  purpose:
    "Points the environment's alias back at an earlier release (by default the one before the live one) " +
    "after checking its assets are still in the bucket; no Terraform run, no cache invalidation. Records it " +
    `in the ledger and pins the environment until a release is given --unpin. ${NAMES_NOTE}`,
  flags: {
    ...COMMON_FLAGS,
    to: {
      value: "<release-id|version>",
      help: "release id from the ledger, or a bare version (default: the release before the live one)",
      parse: matching(RELEASE_ID_PATTERN, "a release id or a version number"),
    },
    reason: { value: "<text>", help: "why, written in the ledger record" },
    "dry-run": { help: "check everything, change nothing" },
    "skip-asset-check": { help: "roll back to a version no release ran (it has no manifest to check)" },
  },
  examples: [
    'npm run rollback -- --env prod --reason "checkout 500s"',
    "npm run rollback -- --env prod --to 2024-06-01.2",
    "npm run rollback -- --env prod --to 41 --dry-run",
  ],
  exitCodes: { 0: "rolled back, recorded, dry run passed, or already in effect", 1: "refused or failed; MOVED-UNRECORDED says what to run", 2: USAGE_ERROR },
  environment: AWS_ENVIRONMENT,
});

const LIST_CLI = defineCli({
  command: "npm run releases --",
  purpose: `Prints the environment's release ledger newest first, marking what the alias serves and whether a rollback pins it. ${NAMES_NOTE}`,
  flags: {
    ...COMMON_FLAGS,
    limit: { value: "<n>", help: "records to show", parse: wholeNumber({ min: 1, max: 10_000 }), default: "20" },
  },
  examples: ["npm run releases -- --env prod", "npm run releases -- --env prod --limit 5 --json"],
  exitCodes: { 0: "listed", 1: "the function or alias cannot be read (the ledger is still shown), or AWS failed", 2: USAGE_ERROR },
  environment: AWS_ENVIRONMENT,
});

const PRUNE_CLI = defineCli({
  command: "npm run prune --",
  purpose:
    "Deletes the assets and Lambda versions that neither the last --keep releases, nor an alias, nor anything " +
    "younger than --min-age-days needs. Lists what it would delete unless given --yes. Never deletes manifests " +
    `or ledger records. ${NAMES_NOTE}`,
  flags: {
    ...COMMON_FLAGS,
    keep: { value: "<n>", help: "releases whose assets and versions to keep", parse: wholeNumber({ min: 1, max: 1000 }), required: true },
    "min-age-days": { value: "<days>", help: "keep anything younger than this", parse: wholeNumber({ min: 0, max: 3650 }), required: true },
    yes: { help: "delete (without it: only list what would be deleted)", conflicts: ["dry-run"] },
    "dry-run": { help: "only list what would be deleted (the default)" },
  },
  examples: ["npm run prune -- --env prod --keep 10 --min-age-days 30", "npm run prune -- --env prod --keep 10 --min-age-days 30 --yes"],
  exitCodes: { 0: "pruned, or listed what would be (dry run)", 1: "refused (cannot tell what is in use) or some deletions failed", 2: USAGE_ERROR },
  environment: AWS_ENVIRONMENT,
});

/** The four commands by the word scripts/release/cli.ts is run with (package.json). */
const COMMANDS = { release: RELEASE_CLI, rollback: ROLLBACK_CLI, list: LIST_CLI, prune: PRUNE_CLI } as const;
type CommandName = keyof typeof COMMANDS;
export const RELEASE_TOOLS: Readonly<Record<CommandName, Cli<FlagSpecs>>> = COMMANDS;

/** What every command resolves before it talks to AWS. */
interface Session {
  readonly target: ReleaseTarget;
  readonly ports: ReleasePorts;
  readonly recorder: CallRecorder;
  readonly json: boolean;
  readonly started: number;
}

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  const overview = () => Object.values(COMMANDS).map((cli) => `  ${cli.spec.command} --help`).join("\n");
  if (command === undefined || command === "--help" || command === "-h") {
    (command === undefined ? process.stderr : process.stdout).write(`usage: scripts/release/cli.ts release|rollback|list|prune [flags]; each command's flags:\n${overview()}\n`);
    return command === undefined ? 2 : 0;
  }
  switch (command) {
    case "release":
      return RELEASE_CLI.run(rest, releaseCommand);
    case "rollback":
      return ROLLBACK_CLI.run(rest, rollbackCommand);
    case "list":
      return LIST_CLI.run(rest, listCommand);
    case "prune":
      return PRUNE_CLI.run(rest, pruneCommand);
    default:
      throw new UserError(`unknown command ${JSON.stringify(command)}; expected one of ${Object.keys(COMMANDS).join(", ")}`, 2);
  }
}

type CommonFlags = FlagValues<typeof COMMON_FLAGS> & { readonly "alarm-prefix"?: string };

function openSession(flags: CommonFlags): Session {
  const started = performance.now();
  const env = flags.env;
  const target: ReleaseTarget = {
    env: env.name,
    bucket: flags.bucket ?? assetsBucketName(env),
    functionName: flags["function-name"] ?? ssrFunctionName(env),
    alias: flags.alias ?? LIVE_ALIAS,
    alarmPrefix: flags["alarm-prefix"] ?? alarmNamePrefix(env),
    region: env.account.region,
  };
  const recorder = new CallRecorder();
  const ports = createAwsPorts({ region: env.account.region, bucket: target.bucket, recorder });
  return { target, ports, recorder, json: flags.json, started };
}

function finish(session: Session, command: CommandName, ok: boolean, result: object, human: readonly string[]): number {
  const elapsedMs = Math.round(performance.now() - session.started);
  const aws = session.recorder.summary();
  if (session.json) {
    printJson({ command, env: session.target.env, functionName: session.target.functionName, alias: session.target.alias, bucket: session.target.bucket, ...result, elapsedMs, aws });
  }
  for (const line of human) say(line);
  return ok ? 0 : 1;
}

function awsNote(session: Session): string {
  const { calls, attempts } = session.recorder.summary();
  return `${calls} AWS call${calls === 1 ? "" : "s"}${attempts > calls ? `, ${attempts - calls} retried` : ""}`;
}

// ---------------------------------------------------------------------------------------

async function releaseCommand(values: FlagValues<typeof RELEASE_CLI.spec.flags>): Promise<number> {
  // One rule with sync-assets' --release (scripts/shared/git.ts): the flag, the CI commit,
  // then the checkout's HEAD. --git-sha only names the commit recorded in the ledger.
  const resolvedId = defaultReleaseId(values["release-id"]);
  if (!resolvedId.ok) {
    throw new UserError(`missing --release-id: not given, no CI commit variable, and ${resolvedId.problem}`, 2);
  }
  const releaseId = resolvedId.value;
  const commit = values["git-sha"] === undefined && resolvedId.source !== "flag" ? resolvedId : resolveCommit(values["git-sha"]);
  const gitSha = commit.ok ? commit.value : null;
  if (!RELEASE_ID_PATTERN.test(releaseId)) {
    throw new UserError(`--release-id must match ${RELEASE_ID_PATTERN} (letters, digits, . _ -), got ${JSON.stringify(releaseId)}`, 2);
  }
  const version = values.version === undefined ? undefined : String(values.version);
  const canary = canaryFlags(values);
  const session = openSession(values);
  const log = session.json ? () => {} : say;

  const controller = new AbortController();
  // Ctrl-C during a canary sends traffic back to the previous version before exiting.
  const onInterrupt = () => {
    say("interrupted: returning traffic to the previous version…");
    controller.abort();
  };
  if (canary) process.once("SIGINT", onInterrupt);
  try {
    // Each command loads only its own module: rollback, the one that must be quick, loads least.
    const { release } = await import("./release");
    const result = await release(session.target, session.ports, {
      releaseId,
      version,
      gitSha,
      unpin: values.unpin,
      canary,
      actor: actorFromEnvironment(),
      runUrl: ciRunUrl(process.env) ?? null,
      signal: controller.signal,
      log,
    });
    const took = formatDuration(performance.now() - session.started);
    switch (result.outcome) {
      case "released":
      case "recorded":
        return finish(session, "release", true, result, [
          `${result.outcome === "released" ? "released" : "recorded"} ${session.target.env}: ${arrow(result.before, result.after)} in ${took} (ledger record ${result.record.seq})`,
        ]);
      case "no-op":
        return finish(session, "release", true, result, [`no change: ${result.message}`]);
      case "canary-aborted":
        return finish(session, "release", false, result, [
          `canary aborted: ${result.message}${result.record ? ` (ledger record ${result.record.seq})` : ""}`,
        ]);
      case "traffic-split":
        return finish(session, "release", false, result, [`error: ${result.message}`]);
      case "moved-unrecorded": {
        // Running the same release again finds the alias there and only records it.
        const recordCommand = commandLine("release", session, values, [
          ["--release-id", releaseId],
          ["--version", result.after.version],
          ["--git-sha", gitSha ?? undefined],
          ["--unpin", values.unpin ? true : undefined],
        ]);
        return finish(session, "release", false, { ...result, recordCommand }, [
          `error: ${result.message}`,
          `record it (moves nothing; the alias is already there): ${recordCommand}`,
        ]);
      }
      case "refused":
        return finish(session, "release", false, result, [`refused: ${result.message}`]);
    }
  } finally {
    process.removeListener("SIGINT", onInterrupt);
  }
}

/** Canary defaults: 3 steps of 5 minutes (the help says so). */
const CANARY_STEPS = 3;
const CANARY_STEP_MINUTES = 5;

function canaryFlags(values: {
  canary?: number;
  steps?: number;
  "step-minutes"?: number;
  "step-seconds"?: number;
}): { percent: number; steps: number; stepSeconds: number } | undefined {
  if (values.canary === undefined) {
    for (const flag of ["steps", "step-minutes", "step-seconds"] as const) {
      if (values[flag] !== undefined) throw new UserError(`--${flag} only applies with --canary <percent>`, 2);
    }
    return undefined;
  }
  return {
    percent: values.canary,
    steps: values.steps ?? CANARY_STEPS,
    stepSeconds: values["step-seconds"] ?? (values["step-minutes"] ?? CANARY_STEP_MINUTES) * 60,
  };
}

async function rollbackCommand(values: FlagValues<typeof ROLLBACK_CLI.spec.flags>): Promise<number> {
  const session = openSession(values);
  const result = await rollback(session.target, session.ports, {
    to: values.to,
    reason: values.reason ?? null,
    dryRun: values["dry-run"],
    skipAssetCheck: values["skip-asset-check"],
    actor: actorFromEnvironment(),
    runUrl: ciRunUrl(process.env) ?? null,
  });
  const took = formatDuration(performance.now() - session.started);
  switch (result.outcome) {
    case "rolled-back":
    case "recorded":
      return finish(session, "rollback", true, result, [
        ...result.warnings.map((w) => `warning: ${w}`),
        `${result.outcome === "rolled-back" ? "rolled back" : "recorded rollback of"} ${session.target.env}: ${arrow(result.before, result.after)}` +
          `${result.clearedCanary ? " (canary weights cleared)" : ""} in ${took} (${awsNote(session)}; ledger record ${result.record.seq})`,
        `${session.target.env} is now pinned: \`npm run release\` refuses to move it forward until given --unpin`,
      ]);
    case "dry-run":
      return finish(session, "rollback", true, result, [`dry run: ${result.message}; nothing changed`]);
    case "no-op":
      return finish(session, "rollback", true, result, [`no change: ${result.message}`]);
    case "moved-unrecorded": {
      // A rollback to where the alias already is only records it, and pins.
      const recordCommand = commandLine("rollback", session, values, [
        ["--to", result.after.releaseId ?? result.after.version],
        ["--reason", values.reason],
      ]);
      return finish(session, "rollback", false, { ...result, recordCommand }, [
        `error: ${result.message}`,
        `record it (moves nothing; the alias is already there): ${recordCommand}`,
      ]);
    }
    case "refused":
      return finish(session, "rollback", false, result, [`refused: ${result.message}`]);
  }
}

/**
 * The exact command that repeats this one with `extra` flags (true: a bare flag), keeping the
 * name overrides it was given, so what it prints can be pasted as is.
 */
function commandLine(
  command: "release" | "rollback",
  session: Session,
  values: { bucket?: string; "function-name"?: string; alias?: string },
  extra: readonly (readonly [string, string | true | undefined])[],
): string {
  const flags: (readonly [string, string | true | undefined])[] = [
    ["--env", session.target.env],
    ["--bucket", values.bucket],
    ["--function-name", values["function-name"]],
    ["--alias", values.alias],
    ...extra,
  ];
  const words = flags.flatMap(([flag, value]) => (value === undefined ? [] : value === true ? [flag] : [flag, shellQuote(value)]));
  return `npm run ${command} -- ${words.join(" ")}`;
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9._:/@%+=-]+$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`;
}

async function listCommand(values: FlagValues<typeof LIST_CLI.spec.flags>): Promise<number> {
  const session = openSession(values);
  const { listReleases } = await import("./list");
  const result = await listReleases(session.target, session.ports, { limit: values.limit });
  const json = {
    total: result.total,
    live: result.live ? { version: result.live.version, weights: result.live.weights } : null,
    liveProblem: result.liveProblem ?? null,
    pinned: result.pinnedBy ? { seq: result.pinnedBy.seq, releaseId: result.pinnedBy.releaseId, version: result.pinnedBy.version } : null,
    records: result.records.map(({ entry, record }) => ("invalid" in record ? { seq: entry.seq, key: entry.key, invalid: record.invalid } : record)),
    warnings: result.warnings,
  };
  if (!result.live) {
    // The ledger is still shown, but a missing function or alias is an error (exit 1).
    return finish(session, "list", false, json, [
      ...(session.json ? [] : releasesTable(result, session.target.env)),
      `error: cannot read alias ${session.target.alias} of function ${session.target.functionName}: ${result.liveProblem ?? "not found"}. ` +
        "Check --env, --function-name and --alias, or deploy the app stack first",
    ]);
  }
  return finish(session, "list", true, json, session.json ? [] : releasesTable(result, session.target.env));
}

async function pruneCommand(values: FlagValues<typeof PRUNE_CLI.spec.flags>): Promise<number> {
  const session = openSession(values);
  const bar = values.yes && process.stderr.isTTY && !session.json ? await progressBar() : undefined;
  try {
    const { prune } = await import("./prune");
    const result = await prune(session.target, session.ports, {
      keep: values.keep,
      minAgeDays: values["min-age-days"],
      yes: values.yes,
      onProgress: bar?.update,
    });
    bar?.stop();
    if (result.outcome === "refused") return finish(session, "prune", false, result, [`refused: ${result.message}`]);
    const json = {
      outcome: result.outcome,
      keptReleases: result.keptReleases,
      keptVersions: result.keptVersions,
      assets: result.assets.map((a) => a.key),
      versions: result.versions.map((v) => v.version),
      failures: result.failures,
    };
    return finish(session, "prune", result.outcome !== "partial", json, pruneLines(result, session.target.bucket, session.target.functionName));
  } finally {
    bar?.stop();
  }
}

async function progressBar(): Promise<{ update: (done: number, total: number) => void; stop: () => void }> {
  const { SingleBar, Presets } = await import("cli-progress");
  const bar = new SingleBar({ format: "deleting [{bar}] {value}/{total}", stream: process.stderr }, Presets.shades_classic);
  let started = false;
  return {
    update: (done, total) => {
      if (!started) bar.start(total, 0);
      started = true;
      bar.update(done);
    },
    stop: () => {
      if (started) bar.stop();
      started = false;
    },
  };
}

if (require.main === module) runCli(main);
