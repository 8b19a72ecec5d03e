/**
 * Release tools CLI: `release`, `rollback`, `list` (npm run releases) and `prune`.
 * Flags in kebab-case, human output on stderr, `--json` prints one result object on stdout.
 * Exit 0 when the outcome is what was asked for (including a no-op), 1 when it was refused
 * or failed, 2 for a usage error.
 */
import { RELEASE_ID_PATTERN } from "../../lib/asset-manifest";
import { UserError } from "../../lib/errors";
import { alarmNamePrefix, assetsBucketName, functionName, LIVE_ALIAS } from "../../lib/naming";
import {
  AWS_ENVIRONMENT,
  defineCli,
  environmentFlag,
  InvalidArgumentError,
  matching,
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
import { checkReason, printable, terminalSafeJson } from "./reason";
import { rollback } from "./rollback";
import { formatSet, functionListProblems, parseSet, SERVER_ID, type VersionSet } from "./version-set";

const RESOURCE_NAME = matching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,139}$/, "a resource name (letters, digits, . _ : -)");

/** `12` (the server's version) or `server=12,image=7`; which ids exist is checked once the set is known. */
function versionSet(raw: string): VersionSet {
  const parsed = parseSet(raw);
  if (!parsed.ok) throw new InvalidArgumentError(`must be a version number or <function id>=<version>,… (${parsed.problem})`);
  return parsed.set;
}

/** A release id, a bare server version or versions by function. */
function rollbackTarget(raw: string): string {
  if (RELEASE_ID_PATTERN.test(raw)) return raw;
  versionSet(raw);
  return raw;
}

/**
 * The reason's rules (reason.ts), checked before anything happens. Its problem is shown
 * without the value: it may hold a secret, or 20 KB.
 */
function reasonText(raw: string): string {
  const checked = checkReason(raw);
  if (!checked.ok) throw new UserError(`--reason ${checked.problem}`, 2);
  return checked.value;
}

const MOVED_FROM = {
  value: "<n|id=n,…>",
  help: "record only: the versions the aliases served before a move whose record was lost (the moved-unrecorded outcome prints it)",
  parse: versionSet,
} as const;

/** Flags every release command takes. */
const COMMON_FLAGS = {
  env: environmentFlag("environment whose alias and ledger to use"),
  bucket: { value: "<name>", help: "assets bucket instead of the environment's (it holds the ledger)", parse: RESOURCE_NAME },
  "function-name": {
    value: "<name>",
    help: "one Lambda function, released or rolled back alone as the server, instead of the release's set (release: the app build's functions; the others: those the ledger's newest record names)",
    parse: RESOURCE_NAME,
  },
  alias: { value: "<name>", help: `alias to move or read (default: ${LIVE_ALIAS})`, parse: RESOURCE_NAME },
  json: { help: "print one result object on stdout (human output stays on stderr)" },
} as const;

const NAMES_NOTE = "--bucket, --function-name and --alias override the names from lib/naming.ts.";
const SIGNALS_NOTE = "SIGINT and SIGTERM stop a canary and return all traffic first; a move already sent completes and is recorded; then it exits 1.";

const RELEASE_CLI = defineCli({
  command: "npm run release --",
  purpose:
    "Moves the alias of every function of the release (the app build's: the server, and where the build has " +
    "them the image optimizer and the revalidation function) to a published version (each one's newest, or " +
    "--version) once the release's assets are in the bucket, optionally as a canary watched by the environment's " +
    "alarms, and appends one record naming every version to the release ledger. Refuses while a rollback pins the " +
    `environment, unless --unpin. ${SIGNALS_NOTE} ${NAMES_NOTE}`,
  flags: {
    ...COMMON_FLAGS,
    "release-id": {
      value: "<id>",
      help: "release to ship; its asset manifest must exist (default: $GITHUB_SHA or another CI commit variable, else git rev-parse HEAD)",
      parse: matching(RELEASE_ID_PATTERN, `a release id matching ${RELEASE_ID_PATTERN} (letters, digits, . _ -)`),
    },
    version: {
      value: "<n|id=n,…>",
      help: "versions to release: the server's (12) or by function (server=12,image=7); functions not named get their newest published version",
      parse: versionSet,
    },
    "git-sha": { value: "<sha>", help: "commit written in the ledger record (default: as --release-id)" },
    unpin: { help: "move forward an environment a rollback pinned" },
    canary: { value: "<percent>", help: "shift traffic gradually, starting with this share for the new version", parse: wholeNumber({ min: 1, max: 99 }) },
    steps: { value: "<k>", help: "canary steps before all traffic moves (default: 3)", parse: wholeNumber({ min: 1, max: 20 }) },
    "step-minutes": { value: "<m>", help: "minutes each canary step waits, watching the alarms (default: 5)", parse: wholeNumber({ min: 1, max: 120 }) },
    "step-seconds": { value: "<s>", help: "step length in seconds instead of minutes (tests and the demo)", parse: wholeNumber({ min: 0, max: 7200 }) },
    "alarm-prefix": { value: "<prefix>", help: "alarm name prefix a canary watches, every 5 s (default: <project>-<env>-)" },
    "moved-from": MOVED_FROM,
  },
  examples: [
    'npm run release -- --env staging --release-id "$GITHUB_SHA"',
    'npm run release -- --env prod --release-id "$GITHUB_SHA" --canary 10 --steps 3 --step-minutes 5',
    "npm run release -- --env prod --unpin --json",
    "npm run release -- --env dev --release-id r7 --version server=12,image=7",
  ],
  exitCodes: {
    0: "released, recorded, or already live (a no-op that says so)",
    1: "refused (missing assets, pinned, ledger drift, no alarm on a function), canary aborted, interrupted, or failed; MOVED-UNRECORDED, SET-SPLIT and TRAFFIC-SPLIT say what to run",
    2: USAGE_ERROR,
  },
  environment: AWS_ENVIRONMENT,
});

const ROLLBACK_CLI = defineCli({
  command: "npm run rollback --",
  purpose:
    "Points the alias of every function of the release (those the ledger's newest record names; no app build " +
    "needed) back at an earlier release, the whole set (by default the one before the live one), after checking " +
    "its assets are still in the bucket; no Terraform run, no cache invalidation. Records it in the ledger and pins " +
    `the environment until a release is given --unpin. ${SIGNALS_NOTE} ${NAMES_NOTE}`,
  flags: {
    ...COMMON_FLAGS,
    to: {
      value: "<release-id|version|id=n,…>",
      help: "release id from the ledger (its whole set), the server's version, or versions by function (default: the release before the live one)",
      parse: rollbackTarget,
    },
    reason: {
      value: "<text>",
      help: "why, written in the ledger record: one line, at most 500 characters, no control characters, nothing secret-shaped",
      parse: reasonText,
    },
    "dry-run": { help: "check everything, change nothing" },
    "skip-asset-check": { help: "roll back to a version no release ran (it has no manifest to check)" },
    "moved-from": MOVED_FROM,
  },
  examples: [
    'npm run rollback -- --env prod --reason "checkout 500s"',
    "npm run rollback -- --env prod --to 2024-06-01.2",
    "npm run rollback -- --env prod --to 41 --dry-run",
  ],
  exitCodes: {
    0: "rolled back, recorded, dry run passed, or already in effect",
    1: "refused, interrupted or failed; MOVED-UNRECORDED and SET-SPLIT say what to run",
    2: USAGE_ERROR,
  },
  environment: AWS_ENVIRONMENT,
});

const LIST_CLI = defineCli({
  command: "npm run releases --",
  purpose: `Prints the environment's release ledger newest first, marking what each function's alias serves and whether a rollback pins it. ${NAMES_NOTE}`,
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
    "Deletes the assets and Lambda versions (of every function the ledger's newest record names) that neither " +
    "the last --keep releases, nor an alias, nor anything younger than --min-age-days needs. Lists what it would " +
    "delete unless given --yes. Never deletes manifests " +
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

/**
 * Where the functions of the release come from. `release` reads them from the app build it
 * releases (lib/app-build: the server, and the image optimizer and revalidation function
 * where the build has them); rollback, `releases` and prune from the ledger's newest record,
 * so they work without a build (a laptop, the manual rollback workflow). `--function-name`
 * names one function, released alone as the server (tests, overrides).
 */
type SetSource = "build" | "ledger";

async function openSession(flags: CommonFlags, source: SetSource): Promise<Session> {
  const started = performance.now();
  const env = flags.env;
  const alias = flags.alias ?? LIVE_ALIAS;
  const named = flags["function-name"];
  const ofIds = (ids: readonly string[]) => ids.map((id) => ({ id, functionName: functionName(env, id), alias }));
  const fromBuild = async () => {
    // Loaded only here: rollback, which must start quickly, never reads a build.
    const [{ loadAppBuild }, { releaseFunctionSet }] = await Promise.all([import("../../lib/app-build/load"), import("../../lib/app-build/release-set")]);
    return releaseFunctionSet(env, loadAppBuild()).map((fn) => ({ ...fn, alias }));
  };
  const target: ReleaseTarget = {
    env: env.name,
    bucket: flags.bucket ?? assetsBucketName(env),
    functions: named !== undefined ? [{ id: SERVER_ID, functionName: named, alias }] : source === "build" ? await fromBuild() : ofIds([SERVER_ID]),
    ...(named === undefined && source === "ledger" ? { functionsOf: ofIds } : {}),
    alarmPrefix: flags["alarm-prefix"] ?? alarmNamePrefix(env),
    region: env.account.region,
  };
  const problems = functionListProblems(target.functions);
  if (problems.length > 0) throw new UserError(`the app build's functions cannot be released: ${problems.join("; ")}`);
  const recorder = new CallRecorder();
  const ports = createAwsPorts({ region: env.account.region, bucket: target.bucket, recorder });
  return { target, ports, recorder, json: flags.json, started };
}

function finish(session: Session, command: CommandName, ok: boolean, result: object, human: readonly string[]): number {
  const elapsedMs = Math.round(performance.now() - session.started);
  const aws = session.recorder.summary();
  const [server] = session.target.functions;
  if (session.json) {
    const functions = session.target.functions.map(({ id, functionName, alias }) => ({ id, functionName, alias }));
    // A set read from the ledger is known only to the command's result (its before/after versions).
    const json = {
      command,
      env: session.target.env,
      functionName: server.functionName,
      alias: server.alias,
      ...(session.target.functionsOf ? {} : { functions }),
      bucket: session.target.bucket,
      ...result,
      elapsedMs,
      aws,
    };
    process.stdout.write(`${terminalSafeJson(json)}\n`);
  }
  // Messages carry text from AWS and the ledger (alarm names, reasons): printed safely.
  for (const line of human) say(printable(line, { keepNewlines: true }));
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
  const canary = canaryFlags(values);
  const session = await openSession(values, "build");
  const ids = session.target.functions.map((fn) => fn.id);
  const versions = knownIds(values.version, "--version", ids);
  const movedFrom = knownIds(values["moved-from"], "--moved-from", ids);
  const log = session.json ? () => {} : say;

  const signals = catchSignals(canary ? "returning all traffic to the previous versions" : "finishing what was started");
  try {
    // Each command loads only its own module: rollback, the one that must be quick, loads least.
    const { release } = await import("./release");
    const result = await release(session.target, session.ports, {
      releaseId,
      versions,
      movedFrom,
      gitSha,
      unpin: values.unpin,
      canary,
      actor: actorFromEnvironment(),
      runUrl: ciRunUrl(process.env) ?? null,
      signal: signals.signal,
      log,
    });
    const took = formatDuration(performance.now() - session.started);
    switch (result.outcome) {
      case "released":
      case "recorded":
        return signals.exit(
          finish(session, "release", true, result, [
            `${result.outcome === "released" ? "released" : "recorded"} ${session.target.env}: ${arrow(result.before, result.after)} in ${took} (ledger record ${result.record.seq})`,
          ]),
        );
      case "no-op":
        return signals.exit(finish(session, "release", true, result, [`no change: ${result.message}`]));
      case "canary-aborted":
        return finish(session, "release", false, result, [
          `canary aborted: ${result.message}${result.record ? ` (ledger record ${result.record.seq})` : ""}`,
        ]);
      case "traffic-split":
      case "set-split":
        return finish(session, "release", false, result, [`error: ${result.message}`]);
      case "interrupted":
        return finish(session, "release", false, result, [`interrupted: ${result.message}`]);
      case "moved-unrecorded": {
        // Running the same release again finds the aliases there and only records it, with the true before.
        const recordCommand = commandLine("release", session, values, [
          ["--release-id", releaseId],
          ["--version", formatSet(result.after.versions)],
          ["--moved-from", formatSet(result.before.versions)],
          ["--git-sha", gitSha ?? undefined],
          ["--unpin", values.unpin ? true : undefined],
        ]);
        return unrecorded(session, "release", result, recordCommand);
      }
      case "refused":
        return finish(session, "release", false, result, [`refused: ${result.message}`]);
    }
  } finally {
    signals.dispose();
  }
}

/** A `--version`/`--moved-from` set whose functions must be among the release's. */
function knownIds(set: VersionSet | undefined, flag: string, ids: readonly string[]): VersionSet | undefined {
  const unknown = Object.keys(set ?? {}).filter((id) => !ids.includes(id));
  if (unknown.length > 0) throw new UserError(`${flag}: no function ${unknown.join(", ")} in this release; its functions: ${ids.join(", ")}`, 2);
  return set;
}

/** The moved-unrecorded outcome, and the command that records it. */
function unrecorded(session: Session, command: "release" | "rollback", result: object & { readonly message: string }, recordCommand: string): number {
  return finish(session, command, false, { ...result, recordCommand }, [
    `error: ${result.message}`,
    `record it (moves nothing; the aliases are already there): ${recordCommand}`,
  ]);
}

/**
 * SIGINT (Ctrl-C; a CI runner cancelling a step) and SIGTERM abort the command's signal
 * instead of ending the process: a canary returns all traffic to the previous versions and
 * records a canary-abort, nothing moves that had not started to, and a move already sent
 * completes and is recorded (a half-moved set is worse than either). A signal repeated while
 * that happens is acknowledged, not obeyed. `exit` turns a successful code into 1 once a
 * signal was received: the run was stopped, whatever it finished first.
 */
function catchSignals(what: string): { signal: AbortSignal; exit: (code: number) => number; dispose: () => void } {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const handler = (signal: NodeJS.Signals) => {
    if (received) {
      say(`${signal} again: still ${what}; it takes seconds`);
      return;
    }
    received = signal;
    say(`${signal}: ${what}…`);
    controller.abort();
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    signal: controller.signal,
    exit: (code) => {
      if (received === undefined || code !== 0) return code;
      say(`stopped by ${received} after the command had finished its work (see above); exiting 1`);
      return 1;
    },
    dispose: () => {
      process.removeListener("SIGINT", handler);
      process.removeListener("SIGTERM", handler);
    },
  };
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
  const session = await openSession(values, "ledger");
  const signals = catchSignals("finishing the rollback that was started");
  try {
    const result = await rollback(session.target, session.ports, {
      to: values.to,
      reason: values.reason ?? null,
      dryRun: values["dry-run"],
      skipAssetCheck: values["skip-asset-check"],
      movedFrom: values["moved-from"],
      actor: actorFromEnvironment(),
      runUrl: ciRunUrl(process.env) ?? null,
      signal: signals.signal,
    });
    const took = formatDuration(performance.now() - session.started);
    switch (result.outcome) {
      case "rolled-back":
      case "recorded":
        return signals.exit(
          finish(session, "rollback", true, result, [
            ...result.warnings.map((w) => `warning: ${w}`),
            `${result.outcome === "rolled-back" ? "rolled back" : "recorded rollback of"} ${session.target.env}: ${arrow(result.before, result.after)}` +
              `${result.clearedCanary ? " (canary weights cleared)" : ""} in ${took} (${awsNote(session)}; ledger record ${result.record.seq})`,
            `${session.target.env} is now pinned: \`npm run release\` refuses to move it forward until given --unpin`,
          ]),
        );
      case "dry-run":
        return signals.exit(finish(session, "rollback", true, result, [`dry run: ${result.message}; nothing changed`]));
      case "no-op":
        return signals.exit(finish(session, "rollback", true, result, [`no change: ${result.message}`]));
      case "interrupted":
        return finish(session, "rollback", false, result, [`interrupted: ${result.message}`]);
      case "set-split":
        return finish(session, "rollback", false, result, [`error: ${result.message}`]);
      case "moved-unrecorded": {
        // A rollback to where the aliases already are only records it (with the true before), and pins.
        const recordCommand = commandLine("rollback", session, values, [
          ["--to", result.after.releaseId ?? formatSet(result.after.versions)],
          ["--moved-from", formatSet(result.before.versions)],
          ["--reason", values.reason],
        ]);
        return unrecorded(session, "rollback", result, recordCommand);
      }
      case "refused":
        return finish(session, "rollback", false, result, [`refused: ${result.message}`]);
    }
  } finally {
    signals.dispose();
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
  const session = await openSession(values, "ledger");
  const { listReleases } = await import("./list");
  const result = await listReleases(session.target, session.ports, { limit: values.limit });
  const json = {
    total: result.total,
    live: result.live ? { version: result.live.version, weights: result.live.weights } : null,
    liveProblem: result.liveProblem ?? null,
    aliases: result.aliases.map((a) => ({
      id: a.id,
      functionName: a.functionName,
      alias: a.alias,
      live: a.state ? { version: a.state.version, weights: a.state.weights } : null,
      problem: a.problem ?? null,
    })),
    pinned: result.pinnedBy
      ? { seq: result.pinnedBy.seq, releaseId: result.pinnedBy.releaseId, version: result.pinnedBy.version, versions: result.pinnedBy.versions }
      : null,
    records: result.records.map(({ entry, record }) => ("invalid" in record ? { seq: entry.seq, key: entry.key, invalid: record.invalid } : record)),
    warnings: result.warnings,
  };
  const unreadable = result.aliases.filter((a) => !a.state);
  if (unreadable.length > 0) {
    // The ledger is still shown, but a missing function or alias is an error (exit 1).
    return finish(session, "list", false, json, [
      ...(session.json ? [] : releasesTable(result, session.target.env)),
      ...unreadable.map(
        (a) =>
          `error: cannot read alias ${a.alias} of function ${a.functionName}: ${a.problem ?? "not found"}. ` +
          "Check --env, --function-name and --alias, or deploy the app stack first",
      ),
    ]);
  }
  return finish(session, "list", true, json, session.json ? [] : releasesTable(result, session.target.env));
}

async function pruneCommand(values: FlagValues<typeof PRUNE_CLI.spec.flags>): Promise<number> {
  const session = await openSession(values, "ledger");
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
      versions: result.versions.map((v) => ({ functionId: v.functionId, functionName: v.functionName, version: v.version })),
      failures: result.failures,
    };
    return finish(session, "prune", result.outcome !== "partial", json, pruneLines(result, session.target.bucket));
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
