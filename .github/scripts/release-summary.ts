/**
 * Turns the `--json` result of the release tools into what a workflow says and decides, so
 * a Slack notice states what happened rather than what was hoped for:
 *
 *   npx tsx .github/scripts/release-summary.ts release  <file>   outcome= version= summary=
 *   npx tsx .github/scripts/release-summary.ts rollback <file>   outcome= summary=
 *   npx tsx .github/scripts/release-summary.ts releases <file>   pinned= version= summary=
 *     (GITHUB_OUTPUT lines on stdout; always exit 0: a file the command never finished
 *     writing gives outcome=unknown and a summary that says so)
 *   npx tsx .github/scripts/release-summary.ts check-pin <releases file> --unpin true|false
 *     exit 1 with an ::error:: when a rollback pinned the environment and --unpin is not true
 *   npx tsx .github/scripts/release-summary.ts check-serving <releases file> --version <n>
 *     exit 1 with an ::error:: unless alias `live` serves exactly version <n>, without canary weights
 *   npx tsx .github/scripts/release-summary.ts deploy-notice --env <env>
 *     the Slack text of a failing deploy job, from step outcomes and outputs in the environment
 *
 * The files are `npm run --silent <release|rollback|releases> -- … --json > <file>`: one JSON
 * object (scripts/release/cli.ts `finish`): `outcome`, `before`/`after` ({version, releaseId}),
 * `message` for a no-op or a refusal; for `releases`, `live` ({version, weights}) and `pinned`
 * ({seq, releaseId, version} or null).
 */
import { readFileSync } from "node:fs";
import { UserError } from "../../lib/errors";
import { defineCli, oneOf, runCli, USAGE_ERROR } from "../../scripts/shared/cli";

export interface Serving {
  readonly version: string;
  readonly releaseId: string | null;
}

export interface Summary {
  /** The command's outcome, or `unknown` when it printed no readable result. */
  readonly outcome: string;
  readonly summary: string;
  /** The version alias `live` serves after the command, when the result says. */
  readonly version?: string;
}

export interface ReleasesSummary {
  /** undefined when the result could not be read: nobody can tell. */
  readonly pinned: boolean | undefined;
  readonly version?: string;
  readonly summary: string;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function serving(value: unknown): Serving | undefined {
  if (!isObject(value) || typeof value.version !== "string") return undefined;
  return { version: value.version, releaseId: typeof value.releaseId === "string" ? value.releaseId : null };
}

/** As the release tools word it: `release <id> (version <n>)`, or `version <n>` for a bare version. */
export function describeServing(target: Serving): string {
  return target.releaseId === null ? `version ${target.version}` : `release ${target.releaseId} (version ${target.version})`;
}

function message(json: Json): string {
  return typeof json.message === "string" ? json.message : "no reason given";
}

/** The last JSON object in `text` (stdout of `npm run --silent … --json`), or undefined. */
export function parseResult(text: string): Json | undefined {
  const lines = text.split("\n").map((line) => line.trim()).filter((line) => line.startsWith("{"));
  for (const line of lines.reverse()) {
    try {
      const value: unknown = JSON.parse(line);
      if (isObject(value)) return value;
    } catch {
      // not JSON after all: try the line before
    }
  }
  return undefined;
}

export function summariseRelease(json: Json | undefined, env: string): Summary {
  if (!json || typeof json.outcome !== "string") {
    return { outcome: "unknown", summary: `release printed no result, so it did not finish: whether alias live of ${env} moved is unknown` };
  }
  const before = serving(json.before);
  const after = serving(json.after);
  switch (json.outcome) {
    case "released":
      return before && after
        ? { outcome: json.outcome, version: after.version, summary: `released ${env}: ${describeServing(before)} → ${describeServing(after)}` }
        : { outcome: json.outcome, summary: `released ${env}` };
    case "recorded":
      return after
        ? { outcome: json.outcome, version: after.version, summary: `${env} already served ${describeServing(after)}; the release was recorded in the ledger` }
        : { outcome: json.outcome, summary: `release of ${env} recorded` };
    case "no-op":
      return { outcome: json.outcome, version: before?.version, summary: `release of ${env} already in effect: ${message(json)}` };
    case "canary-aborted":
      return { outcome: json.outcome, version: before?.version, summary: `canary of ${env} aborted: ${message(json)}` };
    case "refused":
      return { outcome: json.outcome, summary: `release of ${env} refused: ${message(json)}; alias live was not moved` };
    default:
      return otherOutcome("release", json, env, before, after);
  }
}

export function summariseRollback(json: Json | undefined, env: string): Summary {
  if (!json || typeof json.outcome !== "string") {
    return { outcome: "unknown", summary: `rollback printed no result, so it did not finish: whether alias live of ${env} moved is unknown` };
  }
  const before = serving(json.before);
  const after = serving(json.after);
  const arrow = before && after ? `${describeServing(before)} → ${describeServing(after)}` : "";
  switch (json.outcome) {
    case "rolled-back":
      return {
        outcome: json.outcome,
        version: after?.version,
        summary: `rolled back ${env}: ${arrow}${json.clearedCanary === true ? " (canary weights cleared)" : ""}`,
      };
    case "recorded":
      return {
        outcome: json.outcome,
        version: after?.version,
        summary: `${env} already served ${after ? describeServing(after) : "the target"}, so the alias did not move; the rollback was recorded in the ledger`,
      };
    case "no-op":
      return { outcome: json.outcome, version: before?.version, summary: `rollback of ${env} already in effect: ${message(json)}` };
    case "dry-run":
      return { outcome: json.outcome, version: before?.version, summary: `dry run of ${env}: ${message(json)}` };
    case "refused":
      return { outcome: json.outcome, summary: `rollback of ${env} refused: ${message(json)}; alias live was not moved` };
    default:
      return otherOutcome("rollback", json, env, before, after);
  }
}

/**
 * Outcomes this summary does not word itself (e.g. `moved-unrecorded`: the alias moved but
 * the ledger record was not written; `traffic-split`: a canary could not return its traffic):
 * the outcome, the move when the result names one, and the tool's own message.
 */
function otherOutcome(command: string, json: Json, env: string, before: Serving | undefined, after: Serving | undefined): Summary {
  const outcome = String(json.outcome);
  const move = before && after ? ` (alias live of ${env}: ${describeServing(before)} → ${describeServing(after)})` : "";
  return { outcome, version: after?.version, summary: `${command} of ${env} ended ${outcome}${move}: ${message(json)}` };
}

/** Which record pins the environment, from a `releases --json` result. */
function pinnedBy(json: Json): Serving & { seq?: number } {
  const pinned = json.pinned as Json;
  return {
    seq: typeof pinned.seq === "number" ? pinned.seq : undefined,
    version: typeof pinned.version === "string" ? pinned.version : "?",
    releaseId: typeof pinned.releaseId === "string" ? pinned.releaseId : null,
  };
}

export function summariseReleases(json: Json | undefined, env: string): ReleasesSummary {
  if (!json || !("pinned" in json)) {
    return { pinned: undefined, summary: `what ${env} serves is unknown (the releases list could not be read)` };
  }
  const live = isObject(json.live) && typeof json.live.version === "string" ? json.live : undefined;
  const records = Array.isArray(json.records) ? json.records.filter(isObject) : [];
  const named = live ? records.find((r) => r.version === live.version && (r.kind === "release" || r.kind === "rollback")) : undefined;
  const weights = live && isObject(live.weights) && Object.keys(live.weights).length > 0 ? ` with canary weights ${JSON.stringify(live.weights)}` : "";
  const what = live
    ? `${env} serves ${describeServing({ version: String(live.version), releaseId: typeof named?.releaseId === "string" ? named.releaseId : null })}${weights}`
    : `${env} serves nothing readable (${typeof json.liveProblem === "string" ? json.liveProblem : "alias missing"})`;
  const pinned = isObject(json.pinned);
  const pin = pinned ? `; pinned by rollback record ${pinnedBy(json).seq ?? "?"} (release refuses to move it forward until run with unpin)` : "";
  return { pinned, version: live ? String(live.version) : undefined, summary: `${what}${pin}` };
}

/** The pin pre-flight: may this run change the environment at all? */
export function checkPin(json: Json | undefined, env: string, unpin: boolean): { readonly ok: boolean; readonly message: string } {
  const listed = summariseReleases(json, env);
  if (listed.pinned === undefined) {
    return { ok: false, message: `cannot tell whether ${env} is pinned: \`npm run releases -- --env ${env} --json\` gave no readable result (see its log above)` };
  }
  if (!listed.pinned) return { ok: true, message: `${env} is not pinned: deploying` };
  const by = pinnedBy(json!);
  if (unpin) return { ok: true, message: `${env} is pinned by rollback record ${by.seq ?? "?"} to ${describeServing(by)}; deploying anyway (unpin)` };
  return {
    ok: false,
    message:
      `${env} is pinned by rollback record ${by.seq ?? "?"} to ${describeServing(by)}: nothing was changed (no sync-assets, no cdktf deploy, no release). ` +
      "When the fix is on main, run Actions → Deploy → Run workflow with unpin ticked",
  };
}

/** After E2E: does `live` still serve the version this run released, with no canary weights? */
export function checkServing(json: Json | undefined, env: string, version: string): { readonly ok: boolean; readonly message: string } {
  const live = json && isObject(json.live) ? json.live : undefined;
  if (!live || typeof live.version !== "string") {
    return { ok: false, message: `cannot read what ${env} serves, so the E2E result cannot be tied to version ${version}` };
  }
  const weighted = isObject(live.weights) && Object.keys(live.weights).length > 0;
  if (live.version !== version || weighted) {
    return {
      ok: false,
      message:
        `${env} changed while E2E ran: alias live serves version ${live.version}${weighted ? ` with weights ${JSON.stringify(live.weights)}` : ""}, ` +
        `not version ${version}, which this run released; the E2E result does not vouch for this build (was ${env} rolled back?)`,
    };
  }
  return { ok: true, message: `${env} still serves version ${version}, the one this run released and E2E tested` };
}

/** What a failing deploy job knows when it posts its notice (step outcomes and outputs). */
export interface DeployNoticeInput {
  readonly env: string;
  readonly releaseId: string;
  /** `job.status`: `failure`, or `cancelled` (by hand or by the job's timeout). */
  readonly jobStatus: string;
  readonly failedStep: string;
  readonly failedUrl: string;
  /** Outcome of the pin pre-flight step, and its `pinned` output (true, false, unknown). */
  readonly preflight: string;
  readonly pinned: string;
  /** Outcome of the release step ("" or skipped when it never ran) and its summary. */
  readonly release: string;
  readonly releaseSummary: string;
  /** Outcome of the automatic rollback step ("" where the job has none) and its summary. */
  readonly rollback: string;
  readonly rollbackSummary: string;
  /** What the environment serves now, read after the failure ("" when not read). */
  readonly serving: string;
  /** One more sentence from the workflow, e.g. what this failure holds back ("" for none). */
  readonly note?: string;
}

const ran = (outcome: string) => outcome !== "" && outcome !== "skipped";

/**
 * The failure (or rollback) notice of a deploy job: what failed, what this run did to alias
 * `live` as far as the step outcomes and the release tools' results show, and what the
 * environment serves now. It never claims more than those say.
 */
export function deployNotice(input: DeployNoticeInput): string {
  const { env } = input;
  const verb = input.jobStatus === "cancelled" ? "was cancelled or timed out" : "failed";
  const sentences = [`Deploy of ${input.releaseId} to ${env} ${verb} at ${input.failedStep || "an unknown step"}.`];
  if (input.preflight === "failure") {
    sentences.push(
      input.pinned === "true"
        ? `Stopped before changing anything: a rollback pinned ${env}. Once the fix is on main, run Deploy with unpin.`
        : `Stopped before changing anything: could not tell whether ${env} is pinned.`,
    );
  } else if (!ran(input.release)) {
    sentences.push(`This run did not reach its release step, so it did not move alias live${ran(input.preflight) ? " (infrastructure changes already applied stay)" : ""}.`);
  } else {
    // The automatic rollback also runs after a failed or cancelled release step (it may have
    // moved the alias before it stopped), so its outcome is reported whatever the release's.
    if (input.release !== "success") {
      sentences.push(`${capitalise(input.releaseSummary || `the release step ended ${input.release}; whether alias live moved is unknown`)}.`);
    }
    if (input.rollback === "success") {
      sentences.push(`Automatic rollback: ${input.rollbackSummary || "done"}.`);
    } else if (input.rollback === "failure" || input.rollback === "cancelled") {
      sentences.push(
        `THE AUTOMATIC ROLLBACK ${input.rollback === "failure" ? "FAILED" : "WAS CANCELLED"}` +
          `${input.rollbackSummary ? ` (${input.rollbackSummary})` : ""}: roll back by hand (Actions → Rollback, or npm run rollback -- --env ${env}).`,
      );
    } else if (input.release === "success") {
      sentences.push(`${capitalise(input.releaseSummary || `this run released ${env}`)}; it stays live: nothing rolls ${env} back automatically.`);
    }
  }
  if (input.note) sentences.push(input.note);
  sentences.push(input.serving ? `Now: ${input.serving}.` : `What ${env} serves now was not read.`);
  if (input.failedUrl) sentences.push(`Failed step: ${input.failedUrl}`);
  return sentences.join(" ");
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `key=value` lines for GITHUB_OUTPUT; values kept to one line. */
export function formatOutputs(outputs: Readonly<Record<string, string | undefined>>): string {
  return Object.entries(outputs)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${value.replace(/[\r\n]+/g, " ")}\n`)
    .join("");
}

function readResult(file: string | undefined): Json | undefined {
  if (!file) return undefined;
  try {
    return parseResult(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

const SCRIPT = "npx tsx .github/scripts/release-summary.ts";
const ENV_FLAG = { value: "<env>", help: "environment name for the messages", default: "the environment" } as const;
const RESULT_FILE = { name: "<file>", help: "the file holding the command's --json output" } as const;
const ALWAYS_0 = { 0: "always, even for a file the command never finished writing (outcome=unknown)", 2: USAGE_ERROR } as const;

/** A command that turns a release tool's --json result into GITHUB_OUTPUT lines. */
function summaryCli(command: "release" | "rollback" | "releases", outputs: string, file: string) {
  return defineCli({
    command: `${SCRIPT} ${command}`,
    purpose: `GITHUB_OUTPUT lines (${outputs}) from the --json result of \`npm run ${command}\`.`,
    flags: { env: ENV_FLAG },
    operands: RESULT_FILE,
    examples: [`${SCRIPT} ${command} ${file} --env prod >> "$GITHUB_OUTPUT"`],
    exitCodes: ALWAYS_0,
  });
}

const SUMMARIES = {
  release: summaryCli("release", "outcome=, version=, summary=", "release.json"),
  rollback: summaryCli("rollback", "outcome=, version=, summary=", "rollback.json"),
  releases: summaryCli("releases", "pinned=, version=, summary=", "releases.json"),
} as const;

const CHECK_PIN = defineCli({
  command: `${SCRIPT} check-pin`,
  purpose: "Stops a deploy (an ::error:: annotation, exit 1) when a rollback pinned the environment and --unpin is not true.",
  flags: { env: ENV_FLAG, unpin: { value: "<true|false>", help: "the deploy's unpin input", parse: oneOf(["true", "false"] as const), default: "false" } },
  operands: { name: "<file>", help: "the --json output of `npm run releases`" },
  examples: [`${SCRIPT} check-pin releases-before.json --env prod --unpin "$UNPIN"`],
  exitCodes: { 0: "not pinned, or --unpin true", 1: "pinned, or the pin cannot be read", 2: USAGE_ERROR },
});

const CHECK_SERVING = defineCli({
  command: `${SCRIPT} check-serving`,
  purpose: "Fails (an ::error:: annotation, exit 1) unless alias live serves exactly --version, without canary weights.",
  flags: { env: ENV_FLAG, version: { value: "<n>", help: "the version the release step reported (empty: it reported none, exit 1)" } },
  operands: { name: "<file>", help: "the --json output of `npm run releases`" },
  examples: [`${SCRIPT} check-serving releases-after.json --env staging --version "$VERSION"`],
  exitCodes: { 0: "the alias serves exactly that version", 1: "it does not, the result cannot be read, or no version was given", 2: USAGE_ERROR },
});

const DEPLOY_NOTICE = defineCli({
  command: `${SCRIPT} deploy-notice`,
  purpose: "The Slack text of a failing deploy job, from the step outcomes and outputs in the environment.",
  flags: { env: ENV_FLAG },
  examples: [`npm run notify -- --status failure --env prod --message "$(${SCRIPT} deploy-notice --env prod)"`],
  exitCodes: { 0: "always", 2: USAGE_ERROR },
  environment: {
    JOB_STATUS: "the job's status",
    "FAILED_STEP, FAILED_URL": "the step that failed and its log (failed-step.ts)",
    "PREFLIGHT, PINNED, SERVING": "the outcomes of those steps",
    "RELEASE, RELEASE_SUMMARY, ROLLBACK, ROLLBACK_SUMMARY": "what release and rollback reported",
    "NOTE, RELEASE_ID": "a note, and the release the job deployed",
  },
});

/** Each command's declaration, by the word that starts it. */
export const RELEASE_SUMMARY_TOOLS = { ...SUMMARIES, "check-pin": CHECK_PIN, "check-serving": CHECK_SERVING, "deploy-notice": DEPLOY_NOTICE } as const;
const COMMANDS = Object.keys(RELEASE_SUMMARY_TOOLS);

export async function main(argv: readonly string[], variables: Readonly<Record<string, string | undefined>>, write: (text: string) => void): Promise<number> {
  const [command, ...rest] = argv;
  const io = { stdout: write };
  switch (command) {
    case "release":
    case "rollback":
    case "releases":
      return SUMMARIES[command].run(
        rest,
        async ({ env }, [file]) => {
          const json = readResult(file);
          if (command === "releases") {
            const s = summariseReleases(json, env);
            write(formatOutputs({ pinned: s.pinned === undefined ? "unknown" : String(s.pinned), version: s.version, summary: s.summary }));
          } else {
            const s = command === "release" ? summariseRelease(json, env) : summariseRollback(json, env);
            write(formatOutputs({ outcome: s.outcome, version: s.version, summary: s.summary }));
          }
          return 0;
        },
        io,
      );
    case "check-pin":
      return CHECK_PIN.run(
        rest,
        async ({ env, unpin }, [file]) => {
          const result = checkPin(readResult(file), env, unpin === "true");
          write(result.ok ? `${result.message}\n` : `::error::${result.message}\n`);
          return result.ok ? 0 : 1;
        },
        io,
      );
    case "check-serving":
      return CHECK_SERVING.run(
        rest,
        async ({ env, version }, [file]) => {
          if (!version) {
            write(`::error::check-serving needs --version: the release step reported no version\n`);
            return 1;
          }
          const result = checkServing(readResult(file), env, version);
          write(result.ok ? `${result.message}\n` : `::error::${result.message}\n`);
          return result.ok ? 0 : 1;
        },
        io,
      );
    case "deploy-notice":
      return DEPLOY_NOTICE.run(
        rest,
        async ({ env }) => {
          const get = (name: string) => variables[name]?.trim() ?? "";
          write(
            deployNotice({
              env,
              releaseId: get("RELEASE_ID"),
              jobStatus: get("JOB_STATUS"),
              failedStep: get("FAILED_STEP"),
              failedUrl: get("FAILED_URL"),
              preflight: get("PREFLIGHT"),
              pinned: get("PINNED"),
              release: get("RELEASE"),
              releaseSummary: get("RELEASE_SUMMARY"),
              rollback: get("ROLLBACK"),
              rollbackSummary: get("ROLLBACK_SUMMARY"),
              serving: get("SERVING"),
              note: get("NOTE"),
            }),
          );
          return 0;
        },
        io,
      );
    default:
      throw new UserError(
        `${command === undefined ? "missing command" : `unknown command ${JSON.stringify(command)}`}; expected one of ${COMMANDS.join(", ")} ` +
          `(each takes --help)`,
        2,
      );
  }
}

if (require.main === module) runCli((argv) => main(argv, process.env, (text) => process.stdout.write(text)));
