/**
 * Pure: the review as plain text for a terminal or a CI log: the same sections as the
 * markdown in the same order, as aligned columns, never truncated.
 */
import { buildSections, formatCount, totalsSentence, verdictSentence, type Section } from "./report";
import type { Review } from "./summarize";

export function renderText(review: Review): string {
  const lines = [`PLAN REVIEW: ${verdictSentence(review)}`, totalsSentence(review), ""];
  for (const section of buildSections(review)) {
    if (section.rowCount === 0) continue;
    const title = section.counted === false ? section.title : `${section.title} (${formatCount(section.rowCount)})`;
    lines.push(title.toUpperCase());
    if (section.description) lines.push(section.description.map((c) => c.text).join(""));
    lines.push(...table(section), "");
  }
  return `${lines.join("\n")}`;
}

function table(section: Section): string[] {
  const numeric = new Set(section.numericColumns ?? []);
  const rows: (readonly string[])[] = [section.columns];
  for (let i = 0; i < section.rowCount; i++) rows.push(section.row(i).map((c) => oneLine(c.text)));
  const widths = section.columns.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  const last = section.columns.length - 1;
  return rows.map((r) =>
    r
      .map((text, i) => {
        if (numeric.has(i)) return text.padStart(widths[i]);
        return i === last ? text : text.padEnd(widths[i]);
      })
      .join("  ")
      .trimEnd(),
  );
}

function oneLine(text: string): string {
  return text.replace(/\r?\n/g, " ");
}
