/**
 * Running one policy rule over hand-written Terraform JSON, without synthesizing anything: the
 * decision tests of the rules that read no environment (the distribution, certificates, DNS).
 */
import { SynthesizedStack } from "../../../scripts/policy/model";
import type { Rule, RuleOutcome } from "../../../scripts/policy/rule";
import { Workspace } from "../../../scripts/policy/workspace";

/** A stack of this Terraform JSON (`{ resource, data, provider, output }`), `dev-edge` unless named. */
export function stackOf(json: object, id = "dev-edge"): SynthesizedStack {
  return new SynthesizedStack(id, `${id}/cdk.tf.json`, "cdktf.out", json);
}

/** What a rule decides about `stack`, in a workspace of it and `others`, with no environment. */
export function decide(rule: Rule, stack: SynthesizedStack, others: readonly SynthesizedStack[] = []): RuleOutcome {
  return rule.check({ stack, workspace: new Workspace([stack, ...others]), environments: [], environmentOf: () => undefined, now: new Date("2025-06-01T00:00:00Z") });
}

/** What a rule decides about a stack of these resources (`{ type: { name: config } }`). */
export const decideOn = (rule: Rule, resource: object): RuleOutcome => decide(rule, stackOf({ resource }));

/** The findings as `[resource, message]` pairs; a rule that did not check anything is a test error. */
export function findingsOf(outcome: RuleOutcome): [string, string][] {
  if (outcome.kind !== "checked") throw new Error(`the rule did not check the stack: ${outcome.kind} (${outcome.reason})`);
  return outcome.findings.map((f) => [f.resource, f.message]);
}
