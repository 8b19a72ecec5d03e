/**
 * What a policy rule is: an id, a severity, what it checks and maps to, how to fix a
 * violation, and a pure check over one synthesized stack (with the rest of the workspace
 * and the environment config for the rules that look across stacks).
 */
import type { EnvironmentConfig } from "../../environments/schema";
import type { PolicyRuleId } from "../../lib/policy-rule-ids";
import type { SynthesizedStack } from "./model";
import type { Workspace } from "./workspace";

export type Severity = "error" | "warning";

/** One thing wrong with one resource (or provider) of a stack. */
export interface Finding {
  /** Terraform address inside the stack: `aws_s3_bucket.X`, `provider.aws`, `output.name`. */
  readonly resource: string;
  /** What is wrong, with the value seen. */
  readonly message: string;
  /** A fix specific to this finding; the rule's general fix is used otherwise. */
  readonly fix?: string;
}

export type RuleOutcome =
  /** The rule inspected `checked` resources; no findings means it passed. */
  | { readonly kind: "checked"; readonly checked: number; readonly findings: readonly Finding[] }
  /** Nothing in this stack the rule is about (no buckets, not a protected environment, …). */
  | { readonly kind: "not-applicable"; readonly reason: string }
  /** The rule cannot judge this stack: reported, neither passed nor failed (no rule skips today). */
  | { readonly kind: "skipped"; readonly reason: string };

export interface RuleContext {
  readonly stack: SynthesizedStack;
  readonly workspace: Workspace;
  /** The environment the stack belongs to (from its id `<env>-<kind>`), if any. */
  readonly env?: EnvironmentConfig;
  /** Every environment, for rules that recognise resources by config (state buckets). */
  readonly environments: readonly EnvironmentConfig[];
  /** The environment of any stack in the workspace. */
  environmentOf(stack: SynthesizedStack): EnvironmentConfig | undefined;
  /** The day of the run, for rules about dates (a runtime's deprecation). */
  readonly now: Date;
}

export interface ControlMapping {
  /** checkov check ids that test the same thing. */
  readonly checkov?: readonly string[];
  /** AWS Security Hub (Foundational Security Best Practices) control ids. */
  readonly securityHub?: readonly string[];
}

export interface Rule {
  /** Stable id, e.g. `S3-1`; suppressions name it (listed in lib/policy-rule-ids.ts). */
  readonly id: PolicyRuleId;
  readonly severity: Severity;
  /** One line: what a passing stack looks like. */
  readonly title: string;
  readonly controls: ControlMapping;
  /** How to fix a violation in this workspace (module, config field). */
  readonly fix: string;
  check(context: RuleContext): RuleOutcome;
}

export function checked(count: number, findings: readonly Finding[]): RuleOutcome {
  return { kind: "checked", checked: count, findings };
}

export function notApplicable(reason: string): RuleOutcome {
  return { kind: "not-applicable", reason };
}

/**
 * The common shape: inspect each item, collect its findings; no items at all is "not
 * applicable" with the given reason.
 */
export function checkEach<T>(
  items: readonly T[],
  noneReason: string,
  inspect: (item: T) => Finding | readonly Finding[] | undefined,
): RuleOutcome {
  if (items.length === 0) return notApplicable(noneReason);
  const findings = items.flatMap((item) => {
    const result = inspect(item);
    return result === undefined ? [] : Array.isArray(result) ? result : [result as Finding];
  });
  return checked(items.length, findings);
}

/** Renders a value seen in the JSON for a message. */
export function show(value: unknown): string {
  if (value === undefined) return "unset";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}
