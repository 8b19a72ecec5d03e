/**
 * Release tools CLI: `release`, `rollback`, `list` (npm run releases) and `prune`.
 * Flags in kebab-case, human output on stderr, `--json` prints one result object on stdout.
 * Exit 0 when the outcome is what was asked for (including a no-op), 1 when it was refused
 * or failed, 2 for a usage error.
 */
import { RELEASE_ID_PATTERN } from "../../lib/asset-manifest";
import { UserError } from "../../lib/errors";
import { alarmNamePrefix, assetsBucketName, LIVE_ALIAS, ssrFunctionName } from "../../lib/naming";
import { environmentByName, integerFlag, parseCliArgs, printJson, requireFlag, runCli, say, type OptionSpec } from "../shared/cli";
import { CallRecorder, createAwsPorts } from "./aws";
import { ciRunUrl } from "../shared/ci";
import { defaultReleaseId, resolveCommit } from "../shared/git";
import { actorFromEnvironment } from "./context";
import { arrow, formatDuration, pruneLines, releasesTable } from "./format";
import type { ReleasePorts, ReleaseTarget } from "./ports";
import { rollback } from "./rollback";

const COMMON_USAGE = "[--bucket <name>] [--function-name <name>] [--alias <name>] [--json]";
const USAGE = {
  release:
    "usage: npm run release -- --env <env> [--release-id <id> (default: $GITHUB_SHA, else git rev-parse HEAD)] [--version <n>] [--git-sha <sha>] [--unpin]\n" +
    `         [--canary <percent> [--steps <k>] [--step-minutes <m>] [--alarm-prefix <prefix>]] ${COMMON_USAGE}`,
  rollback: `usage: npm run rollback -- --env <env> [--to <release-id|version>] [--reason <text>] [--dry-run] [--skip-asset-check] ${COMMON_USAGE}`,
  list: `usage: npm run releases -- --env <env> [--limit <n>] ${COMMON_USAGE}`,
  prune: `usage: npm run prune -- --env <env> --keep <n> --min-age-days <days> [--yes | --dry-run] ${COMMON_USAGE}`,
} as const;
type Command = keyof typeof USAGE;
const COMMANDS = Object.keys(USAGE) as Command[];

const COMMON_OPTIONS = {
  env: { type: "string" },
  bucket: { type: "string" },
  "function-name": { type: "string" },
  alias: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies OptionSpec;

const OPTIONS = {
  release: {
    ...COMMON_OPTIONS,
    "release-id": { type: "string" },
    version: { type: "string" },
    "git-sha": { type: "string" },
    unpin: { type: "boolean" },
    canary: { type: "string" },
    steps: { type: "string" },
    "step-minutes": { type: "string" },
    // Not in the usage text: tests and the demo run canaries with seconds-long steps.
    "step-seconds": { type: "string" },
    "alarm-prefix": { type: "string" },
  },
  rollback: {
    ...COMMON_OPTIONS,
    to: { type: "string" },
    reason: { type: "string" },
    "dry-run": { type: "boolean" },
    "skip-asset-check": { type: "boolean" },
  },
  list: { ...COMMON_OPTIONS, limit: { type: "string" } },
  prune: {
    ...COMMON_OPTIONS,
    keep: { type: "string" },
    "min-age-days": { type: "string" },
    yes: { type: "boolean" },
    "dry-run": { type: "boolean" },
  },
} as const satisfies Record<Command, OptionSpec>;

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
  if (command === undefined || command === "--help" || command === "-h") {
    say(Object.values(USAGE).join("\n"));
    return command === undefined ? 2 : 0;
  }
  if (!(COMMANDS as string[]).includes(command)) {
    throw new UserError(`unknown command ${JSON.stringify(command)}; expected one of ${COMMANDS.join(", ")}\n${Object.values(USAGE).join("\n")}`, 2);
  }
  switch (command as Command) {
    case "release":
      return releaseCommand(rest);
    case "rollback":
      return rollbackCommand(rest);
    case "list":
      return listCommand(rest);
    case "prune":
      return pruneCommand(rest);
  }
}

function openSession(
  values: { env?: string; bucket?: string; "function-name"?: string; alias?: string; json?: boolean; "alarm-prefix"?: string },
  usage: string,
): Session {
  const started = performance.now();
  const env = environmentByName(requireFlag(values.env, "--env", usage));
  const target: ReleaseTarget = {
    env: env.name,
    bucket: nameFlag(values.bucket, "--bucket", usage) ?? assetsBucketName(env),
    functionName: nameFlag(values["function-name"], "--function-name", usage) ?? ssrFunctionName(env),
    alias: nameFlag(values.alias, "--alias", usage) ?? LIVE_ALIAS,
    alarmPrefix: values["alarm-prefix"] ?? alarmNamePrefix(env),
    region: env.account.region,
  };
  const recorder = new CallRecorder();
  const ports = createAwsPorts({ region: env.account.region, bucket: target.bucket, recorder });
  return { target, ports, recorder, json: values.json ?? false, started };
}

function nameFlag(value: string | undefined, flag: string, usage: string): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,139}$/.test(value)) {
    throw new UserError(`${flag} must be a resource name (letters, digits, . _ : -), got ${JSON.stringify(value)}\n${usage}`, 2);
  }
  return value;
}

function finish(session: Session, command: Command, ok: boolean, result: object, human: readonly string[]): number {
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

async function releaseCommand(argv: readonly string[]): Promise<number> {
  const usage = USAGE.release;
  const values = parseCliArgs(argv, OPTIONS.release, usage);
  if (values.help) return help(usage);
  // One rule with sync-assets' --release (scripts/shared/git.ts): the flag, the CI commit,
  // then the checkout's HEAD. --git-sha only names the commit recorded in the ledger.
  const resolvedId = defaultReleaseId(values["release-id"]);
  if (!resolvedId.ok) {
    throw new UserError(`missing --release-id: not given, no CI commit variable, and ${resolvedId.problem}\n${usage}`, 2);
  }
  const releaseId = resolvedId.value;
  const commit = values["git-sha"] === undefined && resolvedId.source !== "flag" ? resolvedId : resolveCommit(values["git-sha"]);
  const gitSha = commit.ok ? commit.value : null;
  if (!RELEASE_ID_PATTERN.test(releaseId)) {
    throw new UserError(`--release-id must match ${RELEASE_ID_PATTERN} (letters, digits, . _ -), got ${JSON.stringify(releaseId)}\n${usage}`, 2);
  }
  const version = values.version === undefined ? undefined : String(integerFlag(values.version, "--version", { min: 1, default: 1 }));
  const canary = canaryFlags(values, usage);
  const session = openSession(values, usage);
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
      unpin: values.unpin ?? false,
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

function canaryFlags(
  values: { canary?: string; steps?: string; "step-minutes"?: string; "step-seconds"?: string },
  usage: string,
): { percent: number; steps: number; stepSeconds: number } | undefined {
  if (values.canary === undefined) {
    for (const flag of ["steps", "step-minutes", "step-seconds"] as const) {
      if (values[flag] !== undefined) throw new UserError(`--${flag} only applies with --canary <percent>\n${usage}`, 2);
    }
    return undefined;
  }
  const percent = integerFlag(values.canary, "--canary", { min: 1, max: 99, default: 10 });
  const steps = integerFlag(values.steps, "--steps", { min: 1, max: 20, default: 3 });
  const stepSeconds =
    values["step-seconds"] !== undefined
      ? integerFlag(values["step-seconds"], "--step-seconds", { min: 0, max: 7200, default: 0 })
      : integerFlag(values["step-minutes"], "--step-minutes", { min: 1, max: 120, default: 5 }) * 60;
  return { percent, steps, stepSeconds };
}

async function rollbackCommand(argv: readonly string[]): Promise<number> {
  const usage = USAGE.rollback;
  const values = parseCliArgs(argv, OPTIONS.rollback, usage);
  if (values.help) return help(usage);
  if (values.to !== undefined && !RELEASE_ID_PATTERN.test(values.to)) {
    throw new UserError(`--to must be a release id or a version number, got ${JSON.stringify(values.to)}\n${usage}`, 2);
  }
  const session = openSession(values, usage);
  const result = await rollback(session.target, session.ports, {
    to: values.to,
    reason: values.reason ?? null,
    dryRun: values["dry-run"] ?? false,
    skipAssetCheck: values["skip-asset-check"] ?? false,
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

async function listCommand(argv: readonly string[]): Promise<number> {
  const usage = USAGE.list;
  const values = parseCliArgs(argv, OPTIONS.list, usage);
  if (values.help) return help(usage);
  const limit = integerFlag(values.limit, "--limit", { min: 1, max: 10_000, default: 20 });
  const session = openSession(values, usage);
  const { listReleases } = await import("./list");
  const result = await listReleases(session.target, session.ports, { limit });
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

async function pruneCommand(argv: readonly string[]): Promise<number> {
  const usage = USAGE.prune;
  const values = parseCliArgs(argv, OPTIONS.prune, usage);
  if (values.help) return help(usage);
  const keep = integerFlag(requireFlag(values.keep, "--keep", usage), "--keep", { min: 1, max: 1000, default: 10 });
  const minAgeDays = integerFlag(requireFlag(values["min-age-days"], "--min-age-days", usage), "--min-age-days", { min: 0, max: 3650, default: 30 });
  if (values.yes && values["dry-run"]) throw new UserError(`--yes and --dry-run contradict each other\n${usage}`, 2);
  const session = openSession(values, usage);
  const bar = values.yes && process.stderr.isTTY && !session.json ? await progressBar() : undefined;
  try {
    const { prune } = await import("./prune");
    const result = await prune(session.target, session.ports, {
      keep,
      minAgeDays,
      yes: values.yes ?? false,
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

function help(usage: string): number {
  say(usage);
  return 0;
}

if (require.main === module) runCli(main);
