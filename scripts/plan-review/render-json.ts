/**
 * Pure: the review as one JSON document for other tools. Like every format it carries
 * addresses, types, actions, reasons and paths, never attribute or output values.
 */
import { verdictOf, type Verdict } from "./report";
import type { Counts, ResourceChangeSummary, Review } from "./summarize";

/**
 * Bumped when a field is removed or changes meaning; new fields do not bump it.
 * 2: `verdict` may be "unreviewable" and `exitCode` 1 (a plan that errored or deferred changes).
 */
export const JSON_REPORT_VERSION = 2;

export interface JsonReport {
  readonly reportVersion: number;
  readonly verdict: Verdict;
  readonly exitCode: 0 | 1 | 2;
  readonly protectEnvs: readonly string[];
  readonly protectTypes: readonly string[];
  readonly allowDestroy: boolean;
  readonly totals: Counts;
  readonly protectedDestruction: readonly {
    readonly stack: string;
    readonly env: string;
    readonly address: string;
    readonly type: string;
    readonly action: string;
    readonly reason?: string;
    readonly blocking: boolean;
  }[];
  /** Deletions that do not block (ACM certificates), each with why a reviewer should look. */
  readonly warnings: readonly {
    readonly stack: string;
    readonly env: string;
    readonly address: string;
    readonly type: string;
    readonly action: string;
    readonly replaceOrder?: string;
    readonly message: string;
  }[];
  readonly stacks: readonly {
    readonly id: string;
    readonly env: string;
    readonly stack: string;
    readonly source: string;
    readonly formatVersion?: string;
    readonly terraformVersion?: string;
    readonly notes: readonly string[];
    /** Why this plan cannot be reviewed (the review then exits 1); absent when it can. */
    readonly unreviewable?: string;
    readonly counts: Counts;
    readonly changes: readonly JsonChange[];
    readonly drift: readonly {
      readonly address: string;
      readonly type: string;
      readonly action: string;
      readonly reason?: string;
      readonly deposed?: string;
    }[];
    readonly outputs: readonly { readonly name: string; readonly action: string; readonly sensitive: boolean }[];
  }[];
}

export interface JsonChange {
  readonly address: string;
  readonly type: string;
  readonly mode: string;
  readonly action: string;
  readonly replaceOrder?: string;
  readonly destroys: boolean;
  readonly reason?: string;
  readonly replacePaths?: readonly string[];
  readonly importing?: true;
  readonly previousAddress?: string;
  readonly deposed?: string;
}

export function toJsonReport(review: Review): JsonReport {
  return {
    reportVersion: JSON_REPORT_VERSION,
    verdict: verdictOf(review),
    exitCode: review.exitCode,
    protectEnvs: review.options.protectEnvs,
    protectTypes: review.options.protectTypes,
    allowDestroy: review.options.allowDestroy,
    totals: review.totals,
    protectedDestruction: review.protectedDestruction.map((p) => ({
      stack: p.stackId,
      env: p.env,
      address: p.change.address,
      type: p.change.type,
      action: p.change.kind,
      ...(p.change.reason ? { reason: p.change.reason } : {}),
      blocking: p.blocking,
    })),
    warnings: review.warnings.map((w) => ({
      stack: w.stackId,
      env: w.env,
      address: w.change.address,
      type: w.change.type,
      action: w.change.kind,
      ...(w.change.replaceOrder ? { replaceOrder: w.change.replaceOrder } : {}),
      message: w.message,
    })),
    stacks: review.stacks.map((s) => ({
      id: s.id,
      env: s.env,
      stack: s.stack,
      source: s.source,
      ...(s.formatVersion !== undefined ? { formatVersion: s.formatVersion } : {}),
      ...(s.terraformVersion !== undefined ? { terraformVersion: s.terraformVersion } : {}),
      notes: s.notes,
      ...(s.unreviewable !== undefined ? { unreviewable: s.unreviewable } : {}),
      counts: s.counts,
      changes: s.changes.map(jsonChange),
      drift: s.drift.map((d) => ({
        address: d.address,
        type: d.type,
        action: d.kind,
        ...(d.reason ? { reason: d.reason } : {}),
        ...(d.deposed ? { deposed: d.deposed } : {}),
      })),
      outputs: s.outputs.map((o) => ({ name: o.name, action: o.kind, sensitive: o.sensitive })),
    })),
  };
}

/** One line of JSON (with a final newline), like every `--json` result in this workspace. */
export function renderJson(review: Review): string {
  return `${JSON.stringify(toJsonReport(review))}\n`;
}

function jsonChange(c: ResourceChangeSummary): JsonChange {
  return {
    address: c.address,
    type: c.type,
    mode: c.mode,
    action: c.kind,
    ...(c.replaceOrder ? { replaceOrder: c.replaceOrder } : {}),
    destroys: c.destroys,
    ...(c.reason ? { reason: c.reason } : {}),
    ...(c.replacePaths.length > 0 ? { replacePaths: c.replacePaths } : {}),
    ...(c.importing ? { importing: true as const } : {}),
    ...(c.previousAddress !== undefined ? { previousAddress: c.previousAddress } : {}),
    ...(c.deposed ? { deposed: c.deposed } : {}),
  };
}
