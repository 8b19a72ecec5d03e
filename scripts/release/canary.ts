/**
 * The canary: shifts traffic to the new versions of a release in weighted steps, every
 * function of the set together, reading the environment's alarms throughout each step (every
 * `pollSeconds`, so an alarm that fires mid-step returns the traffic within seconds, as
 * CodeDeploy's continuous watch does, rather than at the step's end). Any alarm in ALARM, an
 * interrupt (SIGINT/SIGTERM), or an AWS error once traffic may be split sends all traffic back
 * to the previous versions before anything is reported, and appends a `canary-abort` record.
 */
import { errorMessage } from "../../lib/errors";
import { appendRecord, readLedger } from "./store";
import { canaryWeights, describeTarget, formatWeights, unrecordedMove, unwatchedFunctions, type ServingTarget } from "./plan";
import { aliasCommand, failedMove, refusedMove, restoreAlias, type AliasPosition, type AliasReport, type Refusal, type Restore } from "./moves";
import type { AliasState, ReleaseFunction, ReleasePorts, ReleaseTarget, RoutingWeights } from "./ports";
import type { DraftRecord, ReleaseRequest, ReleaseResult } from "./release";

export interface CanaryOptions {
  readonly percent: number;
  readonly steps: number;
  /** How long each weighted step lasts; the alarms are read throughout it. */
  readonly stepSeconds: number;
  /** How often the alarms are read during a step. @default 5 */
  readonly pollSeconds?: number;
}

/**
 * 5 s between alarm reads: an alarm is acted on within about 5 s plus two calls. One
 * DescribeAlarms per watched region per read (two regions: 24 calls a minute), well inside
 * CloudWatch's DescribeAlarms rate quota (see docs/releases-and-rollback.md, "Canary").
 */
export const DEFAULT_POLL_SECONDS = 5;

export interface CanaryState {
  /** Every function's alias as read before the release, by function id. */
  readonly aliases: Readonly<Record<string, AliasState>>;
  /** The functions whose alias changes. */
  readonly moving: readonly ReleaseFunction[];
  readonly before: ServingTarget;
  readonly after: ServingTarget;
  readonly draft: DraftRecord;
}

/** One function's alias through the canary. */
interface Lane {
  readonly fn: ReleaseFunction;
  readonly previous: string;
  readonly next: string;
  revisionId: string | undefined;
  /** An UpdateAlias was sent: the alias may have moved. */
  sent: boolean;
  /** Its position after our last UpdateAlias that AWS confirmed. */
  lastKnown: AliasPosition | undefined;
  /** Someone else changed it (a RevisionId conflict): theirs to keep, never touched again. */
  foreign: boolean;
}

type Stop =
  | { readonly cause: "alarm"; readonly alarms: readonly string[]; readonly why: string }
  | { readonly cause: "interrupted"; readonly why: string }
  | { readonly cause: "error"; readonly error: unknown; readonly why: string }
  /** AWS refused a step (a conflict, or before anything moved): no abort record, reported as refused. */
  | { readonly cause: "refused"; readonly fn: ReleaseFunction; readonly refusal: Refusal; readonly step: number; readonly why: string };

export async function runCanary(
  target: ReleaseTarget,
  ports: ReleasePorts,
  request: ReleaseRequest,
  options: CanaryOptions,
  state: CanaryState,
): Promise<ReleaseResult> {
  const { lambda, alarms, clock, storage } = ports;
  const log = request.log ?? (() => {});
  const { percent, steps, stepSeconds } = options;
  const pollMs = (options.pollSeconds ?? DEFAULT_POLL_SECONDS) * 1000;
  const canary = { percent, steps, stepSeconds };

  // Before anything moves: nothing may be firing (the canary could not tell the new versions'
  // effect apart), and an alarm must watch every function whose traffic shifts.
  const watched = await alarms.alarmsUnder(target.alarmPrefix);
  const firing = watched.filter((a) => a.state === "ALARM").map((a) => a.name);
  if (firing.length > 0) {
    return {
      outcome: "refused",
      reason: "alarms-firing",
      message: `alarms already in ALARM before the canary started: ${firing.join(", ")}; a canary could not tell the new version's effect apart. Fix or silence them first`,
    };
  }
  const shifting = state.moving.filter((fn) => state.aliases[fn.id].version !== state.after.versions[fn.id]);
  const blind = unwatchedFunctions(shifting, watched);
  if (blind.length > 0) {
    return {
      outcome: "refused",
      reason: "alarms-missing",
      message:
        `no alarm named ${target.alarmPrefix}* watches ${blind.map((fn) => `${fn.id} (${fn.functionName})`).join(", ")} ` +
        `(an alarm on a metric with its FunctionName dimension; ${watched.length} alarm(s) under the prefix): the canary could not see ` +
        `${blind.length === 1 ? "it" : "them"} fail. Add the function's alarms (modules/monitoring) and deploy, or release without --canary`,
    };
  }

  const lanes: Lane[] = state.moving.map((fn) => ({
    fn,
    previous: state.aliases[fn.id].version,
    next: state.after.versions[fn.id],
    revisionId: state.aliases[fn.id].revisionId,
    sent: false,
    lastKnown: undefined,
    foreign: false,
  }));
  const weighted = (lane: Lane, weight: number): AliasPosition =>
    lane.previous === lane.next ? { version: lane.next, weights: {} } : { version: lane.previous, weights: { [lane.next]: weight } };

  // From the first UpdateAlias on, traffic may be split: every way out either promotes the
  // new versions or returns all traffic to the previous ones (or says loudly it could not).
  const moveAll = async (position: (lane: Lane) => AliasPosition, step: number): Promise<Stop | undefined> => {
    const active = lanes.filter((lane) => !lane.foreign);
    const results = await Promise.allSettled(
      active.map(async (lane) => {
        lane.sent = true;
        const to = position(lane);
        const result = await lambda.updateAlias({ functionName: lane.fn.functionName, alias: lane.fn.alias, ...to, revisionId: lane.revisionId });
        if (result.kind === "updated") {
          lane.revisionId = result.revisionId;
          lane.lastKnown = { version: result.version, weights: result.weights };
          return undefined;
        }
        if (result.kind === "conflict") lane.foreign = true;
        return result;
      }),
    );
    const thrown = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (thrown) return { cause: "error", error: thrown.reason, why: `error: ${errorMessage(thrown.reason)}` };
    const at = results.findIndex((r) => r.status === "fulfilled" && r.value !== undefined);
    if (at === -1) return undefined;
    const refusal = (results[at] as PromiseFulfilledResult<Refusal>).value;
    if (refusal.kind === "conflict" || step === 0) return { cause: "refused", fn: active[at].fn, refusal, step, why: refusal.message };
    return { cause: "error", error: new Error(refusal.message), why: `error: ${refusal.message}` };
  };

  const watch = async (ms: number): Promise<Stop | undefined> => {
    const deadline = clock.now().getTime() + ms;
    for (;;) {
      const wait = Math.min(pollMs, Math.max(0, deadline - clock.now().getTime()));
      if (!(await clock.sleep(wait, request.signal))) return { cause: "interrupted", why: "interrupted" };
      let inAlarm: string[];
      try {
        inAlarm = await alarms.alarmsInAlarm(target.alarmPrefix);
      } catch (error) {
        return { cause: "error", error, why: `error: ${errorMessage(error)}` };
      }
      if (inAlarm.length > 0) return { cause: "alarm", alarms: inAlarm, why: `alarm${inAlarm.length === 1 ? "" : "s"} in ALARM: ${inAlarm.join(", ")}` };
      if (clock.now().getTime() >= deadline) return undefined;
    }
  };

  let stop: Stop | undefined;
  for (const [i, weight] of canaryWeights(percent, steps).entries()) {
    stop = await moveAll((lane) => weighted(lane, weight), i);
    if (stop) break;
    const shares = lanes.filter((l) => l.previous !== l.next).map((l) => `${formatWeights(l.lastKnown?.weights ?? {})} of ${l.fn.id} on version ${l.next}`);
    log(`canary step ${i + 1}/${steps}: ${shares.join(", ")}; watching alarms ${target.alarmPrefix}* every ${pollMs / 1000} s for ${stepSeconds} s`);
    stop = await watch(stepSeconds * 1000);
    if (stop) break;
  }
  if (!stop) stop = await moveAll((lane) => ({ version: lane.next, weights: {} }), steps);

  if (!stop) {
    // Minutes have passed: re-read the ledger so the record lands after anything written meanwhile.
    try {
      const { record } = await appendRecord(storage, target.env, await readLedger(storage, target.env), state.draft("release", { canary }));
      return { outcome: "released", before: state.before, after: state.after, record, notes: [] };
    } catch (error) {
      return unrecordedMove(target.functions, "release", state.before, state.after, error);
    }
  }

  const touched = lanes.filter((lane) => lane.sent && !lane.foreign);
  const restores = new Map<Lane, Restore>(
    await Promise.all(
      touched.map(async (lane): Promise<[Lane, Restore]> => [
        lane,
        await restoreAlias(
          lambda,
          lane.fn,
          { version: lane.previous, weights: {} },
          { revisionId: lane.lastKnown ? lane.revisionId : undefined, ours: (now) => canaryShaped(lane, now) },
        ),
      ]),
    ),
  );
  const stuck = touched.filter((lane) => restores.get(lane)?.kind === "failed");
  const putBack = touched.filter((lane) => restores.get(lane)?.kind === "restored").map((lane) => lane.fn.id);

  if (stuck.length === 0 && stop.cause === "refused") return refusedMove(stop.fn, stop.refusal, putBack, stop.step > 0);
  if (stop.cause === "error" && lanes.every((lane) => !lane.lastKnown) && touched.every((lane) => restores.get(lane)?.kind === "untouched")) {
    // The first step failed before reaching any alias: nothing moved.
    throw failedMove(stop.error, []);
  }

  const alarmsSeen = stop.cause === "alarm" ? stop.alarms : [];
  const abortDraft = state.draft("canary-abort", { reason: stop.why, canary: { ...canary, alarms: [...alarmsSeen] } });
  let record = null;
  let recordError: string | undefined;
  try {
    record = (await appendRecord(storage, target.env, await readLedger(storage, target.env), abortDraft)).record;
  } catch (error) {
    recordError = errorMessage(error);
  }

  const foreign = lanes.filter((lane) => lane.foreign);
  const foreignNote = foreign.length > 0 ? `; ${foreign.map((l) => `alias ${l.fn.alias} of ${l.fn.functionName}`).join(", ")} was changed by someone else meanwhile and left as they set it` : "";
  if (stuck.length > 0) {
    const aliases = lanes.map((lane) => laneReport(lane, restores.get(lane), target.region));
    const fixCommands = aliases.flatMap((a) => (a.fixCommand ? [a.fixCommand] : []));
    const restoreError = stuck.map((lane) => `${lane.fn.id}: ${(restores.get(lane) as Extract<Restore, { kind: "failed" }>).problem}`).join("; ");
    const where = stuck.map(
      (lane) => `alias ${lane.fn.alias} of ${lane.fn.functionName} last routed ${lane.lastKnown ? formatWeights(lane.lastKnown.weights) : "an unknown share"} of traffic to version ${lane.next}`,
    );
    return {
      outcome: "traffic-split",
      before: state.before,
      attempted: state.after,
      error: stop.why,
      restoreError: stuck.length === 1 && lanes.length === 1 ? (restores.get(stuck[0]) as Extract<Restore, { kind: "failed" }>).problem : restoreError,
      lastKnown: lanes[0].lastKnown,
      aliases,
      fixCommand: fixCommands.join("\n"),
      fixCommands,
      record,
      message:
        `canary of ${describeTarget(state.after)} stopped (${stop.why}) and returning traffic to ${describeTarget(state.before)} FAILED ` +
        `(${stuck.length === 1 && lanes.length === 1 ? (restores.get(stuck[0]) as Extract<Restore, { kind: "failed" }>).problem : restoreError}). ` +
        `TRAFFIC MAY STILL BE SPLIT: ${where.join("; ")}${foreignNote}. Restore ${stuck.length === 1 ? "it" : "them"} now with:\n  ${fixCommands.join("\n  ")}`,
    };
  }
  const cause = stop.cause === "refused" ? "error" : stop.cause;
  log(`canary stopped (${stop.why}); all traffic back on ${describeTarget(state.before)}`);
  return {
    outcome: "canary-aborted",
    cause,
    before: state.before,
    attempted: state.after,
    alarms: alarmsSeen,
    ...(cause === "error" ? { error: stop.why.replace(/^error: /, "") } : {}),
    message:
      `canary of ${describeTarget(state.after)} stopped (${stop.why}); restored: ${describeTarget(state.before)} serves all traffic again${foreignNote}` +
      (recordError ? `; the canary-abort record could not be written (${recordError})` : ""),
    record,
    ...(recordError ? { recordError } : {}),
  };
}

/**
 * Where this canary may have left the alias: on the previous version with (at most) a share
 * on the next one, or promoted to the next one. Anything else is someone else's change.
 */
function canaryShaped(lane: Lane, now: AliasPosition): boolean {
  const weighted = Object.keys(now.weights).filter((v) => now.weights[v] > 0);
  if (now.version === lane.previous) return weighted.every((v) => v === lane.next);
  return now.version === lane.next && weighted.length === 0;
}

function laneReport(lane: Lane, restore: Restore | undefined, region: string | undefined): AliasReport {
  const wanted = { version: lane.previous, weights: {} as RoutingWeights };
  const base = { id: lane.fn.id, functionName: lane.fn.functionName, alias: lane.fn.alias, wanted };
  if (lane.foreign) return { ...base, state: "refused", position: undefined, problem: "changed by someone else; left as they set it" };
  if (restore?.kind !== "failed") return { ...base, state: "back", position: wanted };
  const position = restore.position ?? lane.lastKnown;
  return { ...base, state: position ? "moved" : "unknown", position, fixCommand: aliasCommand(lane.fn, wanted, region), problem: restore.problem };
}
