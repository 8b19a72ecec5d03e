/**
 * IAM policy documents in one shape, whether the policy attribute points at an
 * `aws_iam_policy_document` data source (`${data.aws_iam_policy_document.X.json}`, the
 * structured form our modules use) or holds literal JSON.
 */
import { isExpression } from "./expressions";
import { asBlock, asBlocks, asStrings, type SynthesizedStack } from "./model";

export interface Principal {
  /** `*`, `AWS`, `Service`, `Federated`, `CanonicalUser`. */
  readonly type: string;
  readonly identifiers: readonly string[];
}

export interface Condition {
  readonly test: string;
  readonly variable: string;
  readonly values: readonly string[];
}

export interface PolicyStatement {
  readonly sid?: string;
  readonly effect: "Allow" | "Deny";
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly notResources: readonly string[];
  readonly principals: readonly Principal[];
  readonly notPrincipals: readonly Principal[];
  readonly conditions: readonly Condition[];
}

export type PolicyRead =
  | { readonly ok: true; readonly statements: readonly PolicyStatement[] }
  | { readonly ok: false; readonly reason: string };

/**
 * The statements of a policy attribute. Statements pulled in through
 * `source_policy_documents` / `override_policy_documents` are included (a superset of the
 * merged document, which is the safe direction for every check here).
 */
export function readPolicy(stack: SynthesizedStack, value: unknown, seen: ReadonlySet<string> = new Set()): PolicyRead {
  if (typeof value !== "string" || value.trim() === "") return { ok: false, reason: "the policy is empty" };
  if (!isExpression(value)) return readJsonPolicy(value);

  const match = /^\$\{data\.aws_iam_policy_document\.([\w-]+)\.json\}$/.exec(value.trim());
  if (!match) {
    return { ok: false, reason: `the policy is an expression (${truncate(value)}), not an aws_iam_policy_document` };
  }
  const address = `data.aws_iam_policy_document.${match[1]}`;
  const document = stack.find(address);
  if (!document) return { ok: false, reason: `${address} is not in the stack` };
  if (seen.has(address)) return { ok: true, statements: [] };

  const statements: PolicyStatement[] = asBlocks(document.config.statement).map(fromDocumentStatement);
  for (const key of ["source_policy_documents", "override_policy_documents"]) {
    for (const source of asStrings(document.config[key])) {
      const nested = readPolicy(stack, source, new Set([...seen, address]));
      if (!nested.ok) return { ok: false, reason: `${address}.${key}: ${nested.reason}` };
      statements.push(...nested.statements);
    }
  }
  if (document.config.source_json !== undefined || document.config.override_json !== undefined) {
    return { ok: false, reason: `${address} merges source_json/override_json, which cannot be read statically` };
  }
  return { ok: true, statements };
}

/** True for a principal that is everyone: `"*"` or `{ AWS: "*" }`. */
export function isAnyone(principal: Principal): boolean {
  return (principal.type === "*" || principal.type === "AWS") && principal.identifiers.includes("*");
}

/** Condition lookups compare variable names case-insensitively, as IAM does. */
export function conditionsOn(statement: PolicyStatement, variable: string): Condition[] {
  return statement.conditions.filter((c) => c.variable.toLowerCase() === variable.toLowerCase());
}

function fromDocumentStatement(raw: unknown): PolicyStatement {
  const s = asBlock(raw) ?? {};
  const principals = (key: string): Principal[] =>
    asBlocks(s[key]).map((p) => ({ type: String(p.type ?? ""), identifiers: asStrings(p.identifiers) }));
  return {
    sid: typeof s.sid === "string" ? s.sid : undefined,
    effect: s.effect === "Deny" ? "Deny" : "Allow",
    actions: asStrings(s.actions),
    notActions: asStrings(s.not_actions),
    resources: asStrings(s.resources),
    notResources: asStrings(s.not_resources),
    principals: principals("principals"),
    notPrincipals: principals("not_principals"),
    conditions: asBlocks(s.condition).map((c) => ({
      test: String(c.test ?? ""),
      variable: String(c.variable ?? ""),
      values: asConditionValues(c.values),
    })),
  };
}

function readJsonPolicy(text: string): PolicyRead {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: `the policy is neither JSON nor an aws_iam_policy_document (${truncate(text)})` };
  }
  const statements = asBlocks(asBlock(parsed)?.Statement);
  return { ok: true, statements: statements.map(fromJsonStatement) };
}

function fromJsonStatement(s: Readonly<Record<string, unknown>>): PolicyStatement {
  const principals = (value: unknown): Principal[] => {
    if (value === "*") return [{ type: "*", identifiers: ["*"] }];
    return Object.entries(asBlock(value) ?? {}).map(([type, ids]) => ({ type, identifiers: asStrings(ids) }));
  };
  const conditions: Condition[] = [];
  for (const [test, byVariable] of Object.entries(asBlock(s.Condition) ?? {})) {
    for (const [variable, values] of Object.entries(asBlock(byVariable) ?? {})) {
      conditions.push({ test, variable, values: asConditionValues(values) });
    }
  }
  return {
    sid: typeof s.Sid === "string" ? s.Sid : undefined,
    effect: s.Effect === "Deny" ? "Deny" : "Allow",
    actions: asStrings(s.Action),
    notActions: asStrings(s.NotAction),
    resources: asStrings(s.Resource),
    notResources: asStrings(s.NotResource),
    principals: principals(s.Principal),
    notPrincipals: principals(s.NotPrincipal),
    conditions,
  };
}

function asConditionValues(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.filter((v) => v !== undefined && v !== null).map((v) => String(v));
}

function truncate(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
