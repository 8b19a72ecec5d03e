/** The human report (stderr): violations grouped by stack, what was skipped, every suppression. */
import type { PolicyReport, Violation } from "./engine";

export function renderText(report: PolicyReport): string {
  const lines: string[] = [];
  lines.push(`Policy check: ${report.summary.stacks} stack${report.summary.stacks === 1 ? "" : "s"} in ${report.dirs.join(", ")}, ${report.rules.length} rule${report.rules.length === 1 ? "" : "s"}`);

  for (const stack of report.stacks) {
    const count = (status: string) => stack.results.filter((r) => r.status === status).length;
    lines.push("");
    lines.push(`${stack.id}${stack.environment ? ` (environment ${stack.environment})` : " (no environment)"}`);
    for (const violation of report.violations.filter((v) => v.stack === stack.id)) lines.push(...renderViolation(violation));
    for (const result of stack.results.filter((r) => r.status === "skipped")) lines.push(`  skipped  ${result.rule}: ${result.reason}`);
    const notApplicable = stack.results.filter((r) => r.status === "not-applicable").map((r) => r.rule);
    lines.push(
      `  ${count("passed")} passed, ${count("failed")} failed, ${count("skipped")} skipped` +
        (notApplicable.length ? `, not applicable: ${notApplicable.join(" ")}` : ""),
    );
  }

  const configProblems = report.violations.filter((v) => v.stack === null);
  if (configProblems.length > 0) {
    lines.push("", "Environment config");
    for (const violation of configProblems) lines.push(...renderViolation(violation));
  }

  if (report.suppressions.length > 0) {
    lines.push("", "Suppressions");
    for (const s of report.suppressions) {
      lines.push(`  ${s.source}: ${s.rule} on ${s.resource}${s.stack ? ` (${s.stack} stack)` : ""} — matched ${s.matched}`);
      lines.push(`    reason: ${s.reason}`);
    }
    for (const v of report.suppressed) lines.push(`  suppressed ${v.rule} ${v.stack} ${v.resource}: ${v.message}`);
  }

  const { errors, warnings, suppressed, skipped } = report.summary;
  lines.push(
    "",
    `${report.ok ? "PASSED" : "FAILED"}: ${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}, ${suppressed} suppressed, ${skipped} skipped`,
  );
  return lines.join("\n");
}

function renderViolation(v: Violation): string[] {
  const where = v.path && v.path !== v.resource ? `${v.resource} (${v.path})` : v.resource;
  return [
    `  ${v.severity === "error" ? "ERROR  " : "warning"}  ${v.rule}  ${v.stack ?? v.environment ?? ""}  ${where}`,
    `           ${v.message}`,
    `           fix: ${v.fix}`,
  ];
}
