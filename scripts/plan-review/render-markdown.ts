/**
 * Pure: the review as GitHub-flavoured markdown for a pull-request comment, kept under a
 * character budget (GitHub rejects comments over 65,536 characters). Sections come in
 * priority order; when the budget runs out the rest is cut row by row, and a notice at the
 * top says exactly what was left out and where the full report is.
 */
import { buildSections, formatCount, totalsSentence, verdictOf, verdictSentence, type Cell, type Section } from "./report";
import type { Review } from "./summarize";

export const DEFAULT_MAX_CHARS = 60_000;
/** Below this even the verdict and the truncation notice may not fit. */
export const MIN_MAX_CHARS = 2_000;

export interface MarkdownOptions {
  /** Upper bound on the length of the result; `Infinity` for the full report. */
  readonly maxChars: number;
  /** Where `--out` writes the full report, named in the truncation notice. */
  readonly fullReportPath?: string;
}

export interface OmittedRows {
  readonly title: string;
  readonly omitted: number;
  readonly total: number;
}

export interface MarkdownReport {
  readonly markdown: string;
  readonly truncated: boolean;
  readonly omitted: readonly OmittedRows[];
}

const ICONS = { unreviewable: "⛔", blocked: "⛔", allowed: "⚠️", warning: "⚠️", clean: "✅" } as const;

export function renderMarkdown(review: Review, options: MarkdownOptions): MarkdownReport {
  const head = renderHead(review);
  const sections = buildSections(review)
    .filter((s) => s.rowCount > 0)
    .map(renderSection);

  const whole = fill(sections, options.maxChars - head.length);
  if (whole.omitted.length === 0) return { markdown: head + whole.body, truncated: false, omitted: [] };

  // Cut again, keeping room for the notice in its longest form (every section cut).
  const worstNotice = renderNotice(
    sections.map((s) => ({ title: s.title, omitted: s.rowCount, total: s.rowCount })),
    options.fullReportPath,
    true,
  );
  const cut = fill(sections, options.maxChars - head.length - worstNotice.length);
  return { markdown: head + renderNotice(cut.omitted, options.fullReportPath) + cut.body, truncated: true, omitted: cut.omitted };
}

/**
 * Sections in order, row by row, while they fit in `budget` characters. After the first
 * cut nothing more is added, so everything shown before the cut is complete.
 */
function fill(sections: readonly RenderedSection[], budget: number): { body: string; omitted: OmittedRows[] } {
  const parts: string[] = [];
  const omitted: OmittedRows[] = [];
  let left = budget;
  for (const section of sections) {
    let taken = 0;
    const fixed = section.prefix.length + section.suffix.length;
    if (omitted.length === 0 && fixed < left) {
      const rows: string[] = [];
      let used = fixed;
      for (; taken < section.rowCount; taken++) {
        const row = section.row(taken);
        if (used + row.length > left) break;
        used += row.length;
        rows.push(row);
      }
      if (taken > 0) {
        parts.push(section.prefix, ...rows, section.suffix);
        left -= used;
      }
    }
    if (taken < section.rowCount) omitted.push({ title: section.title, omitted: section.rowCount - taken, total: section.rowCount });
  }
  return { body: parts.join(""), omitted };
}

function renderHead(review: Review): string {
  const verdict = verdictOf(review);
  return `## Plan review\n\n${ICONS[verdict]} **${escapeText(verdictSentence(review))}**\n\n${escapeText(totalsSentence(review))}\n\n`;
}

/** `longest` renders every entry in its longer form, for an upper bound on the length. */
function renderNotice(omitted: readonly OmittedRows[], fullReportPath: string | undefined, longest = false): string {
  const what = omitted
    .map((o) =>
      o.omitted === o.total && !longest
        ? `all ${formatCount(o.total)} rows of ${o.title}`
        : `${formatCount(o.omitted)} of ${formatCount(o.total)} rows of ${o.title}`,
    )
    .join("; ");
  const where =
    fullReportPath !== undefined
      ? `The full report is in ${code(fullReportPath)} (written by \`--out\`).`
      : "Run plan-review with `--out <file>` to write the full report.";
  return `> ✂️ **Truncated to fit the comment size limit.** Not shown: ${escapeText(what)}. ${where}\n\n`;
}

interface RenderedSection {
  readonly title: string;
  readonly prefix: string;
  readonly rowCount: number;
  readonly row: (i: number) => string;
  readonly suffix: string;
}

function renderSection(section: Section): RenderedSection {
  const numeric = new Set(section.numericColumns ?? []);
  const title = section.counted === false ? section.title : `${section.title} (${formatCount(section.rowCount)})`;
  const heading = section.collapsed ? "" : `### ${escapeText(title)}\n\n`;
  const description = section.description ? `${section.description.map(renderCell).join("")}\n\n` : "";
  const header =
    `| ${section.columns.map(escapeText).join(" | ")} |\n` +
    `|${section.columns.map((_, i) => (numeric.has(i) ? "--:" : "---")).join("|")}|\n`;
  const open = section.collapsed ? `<details><summary>${escapeText(title)}</summary>\n\n` : "";
  const close = section.collapsed ? "\n</details>\n\n" : "\n";
  return {
    title: section.title,
    prefix: `${heading}${open}${description}${header}`,
    rowCount: section.rowCount,
    row: (i) => `| ${section.row(i).map(renderCell).join(" | ")} |\n`,
    suffix: close,
  };
}

function renderCell(cell: Cell): string {
  if (cell.text === "") return "";
  const text = cell.code ? code(cell.text) : escapeText(cell.text);
  return cell.strong ? `**${text}**` : text;
}

/** A code span that survives any backticks inside and never breaks a table row. */
function code(text: string): string {
  const safe = text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
  const longestRun = Math.max(0, ...(safe.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longestRun + 1);
  const pad = longestRun > 0 ? " " : "";
  return `${fence}${pad}${safe}${pad}${fence}`;
}

/** Plain text in a table cell: no markdown, HTML or table syntax takes effect. */
export function escapeText(text: string): string {
  return text.replace(/\r?\n/g, " ").replace(/[\\`*_[\]<>|#~]/g, (c) => `\\${c}`);
}
