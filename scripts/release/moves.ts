/**
 * Moving the aliases of a release set together, and putting them back. Every UpdateAlias
 * carries the RevisionId last read or returned, so a change someone else made is reported,
 * never overwritten. When one alias of the set cannot move, the others that did are put
 * back; when that fails too, the outcome says which alias is where and prints the command
 * that repairs each.
 */
import { errorMessage, UserError } from "../../lib/errors";
import { describeAliases, describeTarget, formatWeights, hasWeights, type ServingTarget } from "./plan";
import type { AliasState, LambdaPort, ReleaseFunction, ReleaseTarget, RoutingWeights, UpdateAliasResult } from "./ports";
import type { ReleaseResult, SetSplit } from "./release";
import { describeSet } from "./version-set";

/** Where an alias points: its primary version and the extra versions' shares. */
export interface AliasPosition {
  readonly version: string;
  readonly weights: RoutingWeights;
}

export interface AliasMove {
  readonly fn: ReleaseFunction;
  /** As read before the move, with the RevisionId the move is conditional on. */
  readonly from: AliasState;
  readonly to: AliasPosition;
}

/** Refused by AWS without moving (someone else's change, a missing version, no RevisionId). */
export type Refusal = Exclude<UpdateAliasResult, { kind: "updated" }>;

/** One alias of the set after a failed move: where it is, and how to put it back by hand. */
export interface AliasReport {
  readonly id: string;
  readonly functionName: string;
  readonly alias: string;
  /**
   * moved: on its new position and could not be put back; unknown: a call's answer was
   * lost and reading it failed; back: where it was before; refused: it never moved.
   */
  readonly state: "moved" | "unknown" | "back" | "refused";
  /** Its position as last known (undefined when unknown). */
  readonly position: AliasPosition | undefined;
  /** What it should point at. */
  readonly wanted: AliasPosition;
  /** The AWS CLI command that puts it there (only for aliases not where they should be). */
  readonly fixCommand?: string;
  readonly problem?: string;
}

export type SetMoveResult =
  | { readonly kind: "moved"; readonly states: Readonly<Record<string, AliasState>> }
  /** An alias refused to move; every alias that had moved is back where it was. */
  | { readonly kind: "refused"; readonly fn: ReleaseFunction; readonly refusal: Refusal; readonly putBack: readonly string[] }
  /** A call failed (thrown); every alias that moved, or may have, is back where it was. */
  | { readonly kind: "failed"; readonly error: unknown; readonly putBack: readonly string[] }
  /** Some aliases could not be put back: the set is split. */
  | { readonly kind: "split"; readonly problem: string; readonly aliases: readonly AliasReport[] };

/**
 * Moves every alias at once (one UpdateAlias per function, in parallel: a set is split for
 * as short a time as one call takes). If any is refused or fails, the others are put back.
 */
export async function moveSet(lambda: LambdaPort, moves: readonly AliasMove[], region?: string): Promise<SetMoveResult> {
  const results = await Promise.allSettled(
    moves.map((m) =>
      lambda.updateAlias({ functionName: m.fn.functionName, alias: m.fn.alias, version: m.to.version, weights: m.to.weights, revisionId: m.from.revisionId }),
    ),
  );
  const states: Record<string, AliasState> = {};
  results.forEach((r, i) => {
    if (r.status === "fulfilled" && r.value.kind === "updated") states[moves[i].fn.id] = r.value;
  });
  if (Object.keys(states).length === moves.length) return { kind: "moved", states };

  // Put back every alias that moved, or may have (its answer was lost); leave the refused ones.
  const restores = await Promise.all(
    moves.map(async (m, i): Promise<Restore | undefined> => {
      const r = results[i];
      if (r.status === "fulfilled" && r.value.kind !== "updated") return undefined;
      const left = r.status === "fulfilled" ? (r.value as AliasState) : undefined;
      return restoreAlias(lambda, m.fn, m.from, {
        revisionId: left?.revisionId,
        ours: (now) => samePosition(now, m.to),
      });
    }),
  );
  const putBack = moves.filter((_, i) => restores[i]?.kind === "restored").map((m) => m.fn.id);
  if (restores.some((r) => r?.kind === "failed")) {
    const aliases = moves.map((m, i): AliasReport => {
      const restore = restores[i];
      const base = { id: m.fn.id, functionName: m.fn.functionName, alias: m.fn.alias, wanted: position(m.from) };
      if (restore === undefined) return { ...base, state: "refused", position: position(m.from) };
      if (restore.kind !== "failed") return { ...base, state: "back", position: position(m.from) };
      return {
        ...base,
        state: restore.position ? "moved" : "unknown",
        position: restore.position,
        fixCommand: aliasCommand(m.fn, m.from, region),
        problem: restore.problem,
      };
    });
    const stuck = aliases.filter((a) => a.fixCommand);
    return { kind: "split", problem: stuck.map((a) => `${a.id}: ${a.problem}`).join("; "), aliases };
  }
  const refusedAt = results.findIndex((r) => r.status === "fulfilled" && r.value.kind !== "updated");
  if (refusedAt !== -1) {
    const refused = results[refusedAt] as PromiseFulfilledResult<Refusal>;
    return { kind: "refused", fn: moves[refusedAt].fn, refusal: refused.value, putBack };
  }
  const thrown = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  return { kind: "failed", error: thrown?.reason, putBack };
}

export type Restore =
  /** An UpdateAlias put it back. */
  | { readonly kind: "restored" }
  /** It was already where it should be: no call needed. */
  | { readonly kind: "untouched" }
  | { readonly kind: "failed"; readonly problem: string; readonly position: AliasPosition | undefined };

/**
 * Returns an alias to `back`. First with the RevisionId our own last change returned; when
 * that is stale or unknown (a call whose answer was lost), with the alias's current one, but
 * only while the alias is somewhere `ours` says we left it: a change someone else made is
 * not overwritten.
 */
export async function restoreAlias(
  lambda: LambdaPort,
  fn: ReleaseFunction,
  back: AliasPosition,
  known: { readonly revisionId: string | undefined; readonly ours: (now: AliasPosition) => boolean },
): Promise<Restore> {
  const update = (revisionId: string | undefined) =>
    lambda.updateAlias({ functionName: fn.functionName, alias: fn.alias, version: back.version, weights: back.weights, revisionId });
  let problem = "";
  let tried = false;
  if (known.revisionId !== undefined) {
    tried = true;
    try {
      const result = await update(known.revisionId);
      if (result.kind === "updated") return { kind: "restored" };
      problem = result.message;
    } catch (error) {
      problem = errorMessage(error);
    }
  }
  let now: AliasState;
  try {
    const read = await lambda.getAlias(fn.functionName, fn.alias);
    if (read.kind === "missing") return { kind: "failed", problem: `${problem ? `${problem}; ` : ""}cannot read the alias: ${read.message}`, position: undefined };
    now = read;
  } catch (error) {
    return { kind: "failed", problem: `${problem ? `${problem}; then ` : ""}${errorMessage(error)}`, position: undefined };
  }
  if (samePosition(now, back)) return { kind: tried ? "restored" : "untouched" };
  if (!known.ours(now)) {
    return {
      kind: "failed",
      problem: `the alias was changed by someone else meanwhile (it serves version ${now.version} with weights ${formatWeights(now.weights)}); not overwritten`,
      position: position(now),
    };
  }
  try {
    const result = await update(now.revisionId);
    return result.kind === "updated" ? { kind: "restored" } : { kind: "failed", problem: result.message, position: position(now) };
  } catch (error) {
    return { kind: "failed", problem: errorMessage(error), position: position(now) };
  }
}

export function samePosition(a: AliasPosition, b: AliasPosition): boolean {
  const weighted = (w: RoutingWeights) => Object.entries(w).filter(([, share]) => share > 0);
  const wa = weighted(a.weights);
  const wb = weighted(b.weights);
  return a.version === b.version && wa.length === wb.length && wa.every(([v, share]) => b.weights[v] === share);
}

function position(state: AliasPosition): AliasPosition {
  return { version: state.version, weights: state.weights };
}

/**
 * The AWS CLI command that points the alias at `to` by hand. The weights map in the CLI's
 * shorthand, as the Lambda developer guide's traffic-shifting example writes it
 * (`--routing-config AdditionalVersionWeights={"2"=0.05}`), quoted for the shell.
 */
export function aliasCommand(fn: ReleaseFunction, to: AliasPosition, region?: string): string {
  const weights = Object.entries(to.weights)
    .filter(([, share]) => share > 0)
    .map(([v, share]) => `"${v}"=${share}`)
    .join(",");
  return [
    "aws lambda update-alias",
    ...(region ? [`--region ${region}`] : []),
    `--function-name ${fn.functionName} --name ${fn.alias} --function-version ${to.version}`,
    `--routing-config 'AdditionalVersionWeights={${weights}}'`,
  ].join(" ");
}

/** One line per alias of a split set: where it is and, for each one out of place, the fix. */
export function splitLines(aliases: readonly AliasReport[]): string[] {
  return aliases.map((a) => {
    const where = a.position ? `version ${a.position.version}${hasWeights(a.position.weights) ? ` with weights ${formatWeights(a.position.weights)}` : ""}` : "UNKNOWN";
    const fix = a.fixCommand ? ` (should be version ${a.wanted.version}${hasWeights(a.wanted.weights) ? ` with weights ${formatWeights(a.wanted.weights)}` : ""}: ${a.problem}). Fix: ${a.fixCommand}` : "";
    return `  ${a.id}: ${a.functionName}:${a.alias} is on ${where}${fix}`;
  });
}

// ---------------------------------------------------------------------------------------
// outcomes

/** A move AWS refused: nothing of anyone else's was overwritten; aliases that had moved were put back. */
export function refusedMove(fn: ReleaseFunction, refusal: Refusal, putBack: readonly string[] = [], midCanary = false): Extract<ReleaseResult, { outcome: "refused" }> {
  const back = putBack.length > 0 ? `; the aliases that had moved (${putBack.join(", ")}) were put back` : "";
  if (refusal.kind === "unguarded") return { outcome: "refused", reason: "no-revision-id", message: `${refusal.message}${back}` };
  if (refusal.kind === "conflict") {
    return {
      outcome: "refused",
      reason: "conflict",
      message:
        `alias ${fn.alias} of ${fn.functionName} was changed by someone else ${midCanary ? "during the canary" : "since it was read"} ` +
        `(RevisionId no longer matches: ${refusal.message}); nothing was overwritten${back}. Check \`npm run releases\` and run the command again`,
    };
  }
  return { outcome: "refused", reason: "version-missing", message: `cannot move alias ${fn.alias} of ${fn.functionName}: ${refusal.message}${back}` };
}

/** A move that failed (thrown after the SDK's retries), with the aliases that moved put back. */
export function failedMove(error: unknown, putBack: readonly string[]): unknown {
  if (putBack.length === 0) return error;
  return new UserError(`${errorMessage(error)}; the aliases that had moved (${putBack.join(", ")}) were put back: nothing changed`);
}

export function setSplit(target: ReleaseTarget, before: ServingTarget, attempted: ServingTarget, problem: string, aliases: readonly AliasReport[]): SetSplit {
  const fixCommands = aliases.flatMap((a) => (a.fixCommand ? [a.fixCommand] : []));
  const lines = aliases.map((a) => `${a.id} ${a.functionName}:${a.alias} → ${a.position ? `version ${a.position.version}` : "UNKNOWN"}${a.fixCommand ? " (out of place)" : ""}`);
  return {
    outcome: "set-split",
    before,
    attempted,
    error: problem,
    aliases,
    fixCommands,
    message:
      `moving ${describeAliases(target.functions)} from ${describeTarget(before)} to ${describeTarget(attempted)} failed part-way and putting them back failed too ` +
      `(${problem}). THE RELEASE SET IS SPLIT: ${lines.join("; ")}. Put them back (${describeSet(before.versions)}) now with:\n  ${fixCommands.join("\n  ")}`,
  };
}
