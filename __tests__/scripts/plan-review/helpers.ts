/** Synthetic plans and review shortcuts shared by the plan-review tests. */
import { join } from "node:path";
import { tempDir as registeredTempDir } from "../../support/temp-dir";
import { parsePlanText, type ParsedPlan } from "../../../scripts/plan-review/parse";
import { DEFAULT_PROTECTED_TYPES, summarize, type Review, type ReviewOptions } from "../../../scripts/plan-review/summarize";

export const FIXTURES = join(__dirname, "..", "..", "fixtures", "plans");

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

/**
 * A fixture file's text, decoded without parse.ts (an independent reference): UTF-16 LE when
 * it starts with that BOM, as one fixture does, else UTF-8; TextDecoder drops either BOM.
 */
export function fixtureText(bytes: Uint8Array): string {
  const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe;
  return new TextDecoder(utf16 ? "utf-16le" : "utf-8", { fatal: true }).decode(bytes);
}

export function tempDir(prefix = "plan-review-"): string {
  return registeredTempDir(prefix);
}

/**
 * One `resource_changes` entry; `extra` is merged at the top level, `change` into change.
 * `before` and `after` are what the actions imply (an object, or null where there is none).
 */
export function rc(
  address: string,
  actions: readonly string[],
  extra: Record<string, unknown> = {},
  change: Record<string, unknown> = {},
): Record<string, unknown> {
  const parts = address.replace(/\[[^\]]*\]/g, "").split(".");
  const isData = parts[parts.length - 3] === "data";
  return {
    address,
    mode: isData ? "data" : "managed",
    type: parts[parts.length - 2],
    name: parts[parts.length - 1],
    provider_name: "registry.terraform.io/hashicorp/aws",
    change: { actions, before: startsFromNothing(actions) ? null : {}, after: leavesNothing(actions) ? null : {}, ...change },
    ...extra,
  };
}

function startsFromNothing(actions: readonly string[]): boolean {
  return actions.length === 1 && (actions[0] === "create" || actions[0] === "read");
}

function leavesNothing(actions: readonly string[]): boolean {
  return actions.length === 1 && (actions[0] === "delete" || actions[0] === "forget");
}

/** A whole plan: the keys Terraform writes in every plan, then `body`. */
export function planJson(body: Record<string, unknown> = {}): Record<string, unknown> {
  return { format_version: "1.2", terraform_version: "1.10.5", planned_values: { root_module: {} }, ...body };
}

export function parsed(body: Record<string, unknown> = {}, file = "synthetic.json"): ParsedPlan {
  return parsePlanText(JSON.stringify(planJson(body)), file);
}

export function reviewOf(
  plans: Record<string, Record<string, unknown>>,
  options: Partial<ReviewOptions> = {},
): Review {
  return summarize(
    Object.entries(plans).map(([stackId, body]) => ({ stackId, parsed: parsed(body, `${stackId}.json`) })),
    {
      protectEnvs: ["prod"],
      protectTypes: [...DEFAULT_PROTECTED_TYPES],
      allowDestroy: false,
      envOrder: ["dev", "staging", "prod"],
      ...options,
    },
  );
}
