/**
 * Pure: the report's sections in priority order, shared by the markdown and text
 * renderers. Priority order is also the truncation order: whatever is cut is cut from the
 * end, so the summary and destruction always come first.
 */
import {
  COUNT_COLUMNS,
  type ChangeKind,
  type Counts,
  type ResourceChangeSummary,
  type Review,
  type StackSummary,
} from "./summarize";

export interface Cell {
  readonly text: string;
  /** Render as code (addresses, types, paths). */
  readonly code?: boolean;
  /** Render emphasised (blocking gate, totals). */
  readonly strong?: boolean;
}

export interface Section {
  readonly id: string;
  readonly title: string;
  /** One sentence under the title saying what the section means. */
  readonly description?: readonly Cell[];
  /** Show the row count in the title. @default true */
  readonly counted?: boolean;
  readonly columns: readonly string[];
  /** Columns that hold numbers (right-aligned). */
  readonly numericColumns?: readonly number[];
  readonly rowCount: number;
  /** Cells of row `i` (0 ≤ i < rowCount), built on demand: a truncated comment builds only what it shows. */
  readonly row: (i: number) => readonly Cell[];
  /** Low-priority detail: markdown folds it into <details>. */
  readonly collapsed?: boolean;
}

export type Verdict = "unreviewable" | "blocked" | "allowed" | "warning" | "clean";

export function verdictOf(review: Review): Verdict {
  if (review.unreviewable.length > 0) return "unreviewable";
  if (review.blockingCount > 0) return review.exitCode === 2 ? "blocked" : "allowed";
  return review.protectedDestruction.length > 0 ? "warning" : "clean";
}

/** One plain-text sentence stating the outcome; renderers decorate it. */
export function verdictSentence(review: Review): string {
  const blocking = review.protectedDestruction.filter((p) => p.blocking);
  const envs = (items: readonly { env: string }[]) => unique(items.map((p) => p.env)).join(", ");
  const n = (count: number) => `${count} protected resource${count === 1 ? "" : "s"}`;
  switch (verdictOf(review)) {
    case "unreviewable":
      return (
        `${review.unreviewable.map((s) => `${s.id} plan ${s.source}: ${s.unreviewable}`).join("; ")}. ` +
        `plan-review cannot say what it would destroy, so this check fails (exit 1) until a complete plan is reviewed.`
      );
    case "blocked":
      return (
        `${n(blocking.length)} would be destroyed in protected environment${unique(blocking.map((p) => p.env)).length === 1 ? "" : "s"} ${envs(blocking)}. ` +
        `This check fails (exit 2) until the destruction is reviewed and plan-review is re-run with --allow-destroy.`
      );
    case "allowed":
      return `${n(blocking.length)} would be destroyed in protected environments (${envs(blocking)}); allowed by --allow-destroy.`;
    case "warning":
      return `${n(review.protectedDestruction.length)} would be destroyed, none in a protected environment (${envs(review.protectedDestruction)}).`;
    case "clean":
      return "No protected resources would be destroyed.";
  }
}

/** A short line of totals: "3 to create, 1 to replace … across 9 stacks". */
export function totalsSentence(review: Review): string {
  const t = review.totals;
  const parts = [
    [t.create, "to create"],
    [t.update, "to update"],
    [t.replace, "to replace"],
    [t.delete, "to delete"],
    [t.forget, "to forget"],
    [t.import, "to import"],
    [t.move, "moved"],
    [t.read, "to read"],
  ]
    .filter(([count]) => (count as number) > 0)
    .map(([count, what]) => `${formatCount(count as number)} ${what}`);
  const stacks = `${review.stacks.length} stack${review.stacks.length === 1 ? "" : "s"}`;
  return parts.length === 0 ? `No changes across ${stacks}.` : `${parts.join(", ")} across ${stacks}.`;
}

export function buildSections(review: Review): Section[] {
  // Changes listed in the protected or warnings section are not listed again below them.
  const key = (stackId: string, c: ResourceChangeSummary) => `${stackId}\u0000${c.address}\u0000${c.deposed ?? ""}`;
  const listedKeys = new Set([...review.protectedDestruction, ...review.warnings].map((p) => key(p.stackId, p.change)));
  const isListedAbove = (s: StackSummary, c: ResourceChangeSummary) => listedKeys.has(key(s.id, c));
  const where = (s: StackSummary): Cell[] => [{ text: s.env }, { text: s.stack }];
  const each = <T>(pick: (s: StackSummary) => readonly T[], row: (s: StackSummary, item: T) => Cell[]) => {
    const owners: StackSummary[] = [];
    const items: T[] = [];
    for (const s of review.stacks) {
      for (const item of pick(s)) {
        owners.push(s);
        items.push(item);
      }
    }
    return { rowCount: items.length, row: (i: number) => row(owners[i], items[i]) };
  };
  const changesWhere = (keep: (s: StackSummary, c: ResourceChangeSummary) => boolean) => (s: StackSummary) =>
    s.changes.filter((c) => keep(s, c));

  return [
    {
      id: "summary",
      title: "Summary",
      counted: false,
      columns: ["env", "stack", ...COUNT_COLUMNS.map((c) => c.label)],
      numericColumns: COUNT_COLUMNS.map((_, i) => i + 2),
      ...fixedRows([
        ...review.stacks.map((s) => [...where(s), ...countCells(s.counts)]),
        ...(review.stacks.length > 1 ? [[{ text: "total", strong: true }, { text: "" }, ...countCells(review.totals)]] : []),
      ]),
    },
    {
      id: "notes",
      title: "Plan notes",
      columns: ["env", "stack", "note"],
      ...each((s) => s.notes, (s, note) => [...where(s), { text: note }]),
    },
    {
      id: "protected",
      title: "Protected destruction",
      description: [
        { text: "Deletes and replaces of protected types (" },
        ...listCells(review.options.protectTypes, true),
        { text: "); they block in protected environments (" },
        ...listCells(review.options.protectEnvs, false),
        { text: ")." },
      ],
      columns: ["env", "stack", "address", "action", "reason", "gate"],
      rowCount: review.protectedDestruction.length,
      row: (i) => {
        const p = review.protectedDestruction[i];
        return [
          { text: p.env },
          { text: p.stack },
          { text: p.change.address, code: true },
          { text: actionLabel(p.change) },
          { text: p.change.reason ?? "", code: true },
          gateCell(p.blocking, review.options.allowDestroy),
        ];
      },
    },
    {
      id: "warnings",
      title: "Certificate deletions",
      description: [{ text: "Warnings only: they do not change the exit code." }],
      columns: ["env", "stack", "address", "action", "warning"],
      rowCount: review.warnings.length,
      row: (i) => {
        const w = review.warnings[i];
        return [{ text: w.env }, { text: w.stack }, { text: w.change.address, code: true }, { text: actionLabel(w.change) }, { text: w.message }];
      },
    },
    {
      id: "replacements",
      title: "Other replacements",
      columns: ["env", "stack", "address", "action", "reason", "replace paths"],
      ...each(
        changesWhere((s, c) => c.kind === "replace" && !isListedAbove(s, c)),
        (s, c) => [
          ...where(s),
          { text: c.address, code: true },
          { text: actionLabel(c) },
          { text: c.reason ?? "", code: true },
          { text: c.replacePaths.join(", "), code: c.replacePaths.length > 0 },
        ],
      ),
    },
    {
      id: "deletions",
      title: "Other deletions",
      columns: ["env", "stack", "address", "action", "reason"],
      ...each(
        changesWhere((s, c) => c.kind === "delete" && !isListedAbove(s, c)),
        (s, c) => [...where(s), { text: c.address, code: true }, { text: actionLabel(c) }, { text: c.reason ?? "", code: true }],
      ),
    },
    {
      id: "forgotten",
      title: "Removed from state, not destroyed",
      columns: ["env", "stack", "address", "action", "reason"],
      ...each(
        changesWhere((_, c) => c.kind === "forget"),
        (s, c) => [...where(s), { text: c.address, code: true }, { text: actionLabel(c) }, { text: c.reason ?? "", code: true }],
      ),
    },
    {
      id: "imports",
      title: "Imports",
      columns: ["env", "stack", "address", "action"],
      ...each(
        changesWhere((_, c) => c.importing),
        (s, c) => [...where(s), { text: c.address, code: true }, { text: actionLabel(c) }],
      ),
    },
    {
      id: "moves",
      title: "Moves",
      columns: ["env", "stack", "from", "to", "action"],
      ...each(
        changesWhere((_, c) => c.previousAddress !== undefined),
        (s, c) => [
          ...where(s),
          { text: c.previousAddress ?? "", code: true },
          { text: c.address, code: true },
          { text: actionLabel(c) },
        ],
      ),
    },
    {
      id: "drift",
      title: "Drift",
      description: [{ text: "Changed outside Terraform since the last apply (Terraform found this while refreshing)." }],
      columns: ["env", "stack", "address", "action", "reason"],
      ...each(
        (s) => s.drift,
        (s, d) => [
          ...where(s),
          { text: d.address, code: true },
          { text: d.deposed ? `${kindLabel(d.kind)} (deposed ${d.deposed})` : kindLabel(d.kind) },
          { text: d.reason ?? "", code: true },
        ],
      ),
    },
    {
      id: "outputs",
      title: "Output changes",
      description: [{ text: "Output values are never shown." }],
      columns: ["env", "stack", "output", "action"],
      ...each(
        (s) => s.outputs.filter((o) => o.kind !== "no-op"),
        (s, o) => [...where(s), { text: o.name, code: true }, { text: o.sensitive ? `${kindLabel(o.kind)} (sensitive)` : kindLabel(o.kind) }],
      ),
    },
    {
      id: "other",
      title: "Creates, updates and reads",
      columns: ["env", "stack", "address", "action"],
      collapsed: true,
      ...each(
        changesWhere((_, c) => c.kind === "create" || c.kind === "update" || c.kind === "read"),
        (s, c) => [...where(s), { text: c.address, code: true }, { text: actionLabel(c) }],
      ),
    },
  ];
}

/** `a, b, c` as cells, or `none`. */
function listCells(items: readonly string[], code: boolean): Cell[] {
  if (items.length === 0) return [{ text: "none" }];
  return items.flatMap((item, i) => [...(i > 0 ? [{ text: ", " }] : []), { text: item, code }]);
}

function fixedRows(rows: readonly (readonly Cell[])[]): Pick<Section, "rowCount" | "row"> {
  return { rowCount: rows.length, row: (i) => rows[i] };
}

function countCells(counts: Counts): Cell[] {
  return COUNT_COLUMNS.map(({ key }) => ({ text: String(counts[key]) }));
}

function gateCell(blocking: boolean, allowDestroy: boolean): Cell {
  if (!blocking) return { text: "warning (environment not protected)" };
  return allowDestroy ? { text: "allowed (--allow-destroy)", strong: true } : { text: "BLOCKS", strong: true };
}

export function kindLabel(kind: ChangeKind): string {
  return kind;
}

/** What happens, in words a reviewer reads without the Terraform docs. */
export function actionLabel(change: ResourceChangeSummary): string {
  let label: string;
  switch (change.replaceOrder) {
    case "delete-then-create":
      label = "replace (delete, then create)";
      break;
    case "create-then-delete":
      label = "replace (create, then delete)";
      break;
    case "create-then-forget":
      label = "replace (old object kept: destroy = false)";
      break;
    default:
      label = kindLabel(change.kind);
  }
  const extras = [
    change.importing ? "import" : undefined,
    change.previousAddress !== undefined ? "moved" : undefined,
    change.deposed ? `deposed object ${change.deposed}` : undefined,
  ].filter((e): e is string => e !== undefined);
  return extras.length > 0 ? `${label} (${extras.join(", ")})` : label;
}

/** 12345 → "12,345", the same on every machine. */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
