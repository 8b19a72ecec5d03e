/**
 * What a plan's schema alone cannot check, and a gate must: that each change's `before` and
 * `after` are what its actions imply, and that each address agrees with the type, mode and
 * name written beside it (the review decides "protected" by type and mode, so a plan whose
 * `type` says `null_resource` while its address deletes an `aws_s3_bucket` must not pass).
 *
 * The rules come from the JSON Output Format's change representation
 * (https://developer.hashicorp.com/terraform/internals/json-format): "For ["create"] and
 * ["delete"] actions, either "before" or "after" is unset (respectively)"; values are objects
 * (the resource's attributes); Terraform leaves `after` out only when the whole new object is
 * unknown, and then writes `after_unknown: true` (internal/command/jsonplan, omitUnknowns).
 * Only the kind of each value reaches here (scripts/shared/json-skeleton.ts keeps `{}`, `null`, …), never its content.
 */
import { kindOf } from "../shared/json-skeleton";
import type { ChangeJson, OutputChangeJson, PlanJson, ResourceChangeJson } from "./parse";

export interface PlanProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** What an action list says about the object on one side: none (null or left out) or an object. */
type Side = "none" | "object";

/** Per action list; a side not given may be either. */
const IMPLIED: Readonly<Record<string, { readonly before?: Side; readonly after: Side }>> = {
  create: { before: "none", after: "object" },
  // A data source read may or may not have read the object before.
  read: { after: "object" },
  update: { before: "object", after: "object" },
  delete: { before: "object", after: "none" },
  forget: { before: "object", after: "none" },
  // A replace has an object before it in Terraform's output; `null` is accepted because
  // hand-edited plans in the wild have it, and the action alone already counts as a
  // destruction, so nothing is hidden by it.
  "delete,create": { after: "object" },
  "create,delete": { after: "object" },
  "create,forget": { after: "object" },
};

// Terraform addresses (https://developer.hashicorp.com/terraform/cli/state/resource-addressing):
// module.<name>[<key>]. … [data.]<type>.<name>[<key>], keys a number or a quoted string.
const IDENTIFIER = "[A-Za-z_][A-Za-z0-9_-]*";
const KEY = String.raw`\[(?:[0-9]+|"(?:[^"\\]|\\.)*")\]`;
const RESOURCE_ADDRESS = new RegExp(String.raw`^((?:module\.${IDENTIFIER}(?:${KEY})?\.)*)(data\.)?(${IDENTIFIER})\.(${IDENTIFIER})(?:${KEY})?$`);

export interface ResourceAddress {
  /** `module.a.module.b["k"]`, or "" in the root module. */
  readonly module: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
}

/** Words that start another kind of address step, so never a managed resource's type. */
const RESERVED_TYPES = new Set(["module", "data", "ephemeral", "resource"]);

/** The parts of a resource instance address, or undefined when it is not one. */
export function parseResourceAddress(address: string): ResourceAddress | undefined {
  const match = RESOURCE_ADDRESS.exec(address);
  if (!match || RESERVED_TYPES.has(match[3])) return undefined;
  return { module: match[1].replace(/\.$/, ""), mode: match[2] ? "data" : "managed", type: match[3], name: match[4] };
}

/** Every problem found, with the path of the field it is about. */
export function planProblems(plan: PlanJson): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const seen = new Map<string, number>();
  (plan.resource_changes ?? []).forEach((rc, i) => {
    const path = ["resource_changes", i];
    problems.push(...addressProblems(rc, path), ...changeProblems(rc.change, [...path, "change"]));
    // A deposed object shares its address with the current one; spaces never occur in a valid address.
    const object = rc.deposed ? `${rc.address} (deposed ${rc.deposed})` : rc.address;
    const first = seen.get(object);
    if (first === undefined) seen.set(object, i);
    else problems.push({ path, message: `lists ${object} again (first at resource_changes[${first}]); Terraform lists each object once` });
  });
  (plan.resource_drift ?? []).forEach((entry, i) => {
    const path = ["resource_drift", i];
    if (entry.address !== undefined) problems.push(...addressProblems({ ...entry, address: entry.address }, path));
    else if (!entry.type || !entry.name) problems.push({ path, message: "has no address, and no type and name to name it by" });
    problems.push(...changeProblems(entry.change, [...path, "change"]));
  });
  for (const [name, change] of Object.entries(plan.output_changes ?? {})) {
    problems.push(...outputProblems(change, ["output_changes", name]));
  }
  return problems;
}

/** The address is a resource instance address, and `mode`, `type`, `name` and `module_address` agree with it. */
function addressProblems(rc: ResourceChangeJson, path: readonly (string | number)[]): PlanProblem[] {
  const parsed = parseResourceAddress(rc.address);
  if (!parsed) {
    return [
      {
        path: [...path, "address"],
        message: `${quote(rc.address)} is not a resource instance address ([module.<name>.]…[data.]<type>.<name>[<key>], e.g. module.app.aws_s3_bucket.assets[0])`,
      },
    ];
  }
  const problems: PlanProblem[] = [];
  const disagree = (field: string, seen: string, expected: string) =>
    problems.push({ path: [...path, field], message: `is ${quote(seen)}, but the address ${quote(rc.address)} says ${quote(expected)}` });
  if (rc.mode !== undefined && rc.mode !== "managed" && rc.mode !== "data") {
    problems.push({ path: [...path, "mode"], message: `must be "managed" or "data" (got ${quote(rc.mode)})` });
  } else if (rc.mode !== undefined && rc.mode !== parsed.mode) disagree("mode", rc.mode, parsed.mode);
  if (rc.type !== undefined && rc.type !== parsed.type) disagree("type", rc.type, parsed.type);
  if (rc.name !== undefined && rc.name !== parsed.name) disagree("name", rc.name, parsed.name);
  if (rc.module_address !== undefined && rc.module_address !== parsed.module) disagree("module_address", rc.module_address, parsed.module);
  if (rc.previous_address !== undefined && !parseResourceAddress(rc.previous_address)) {
    problems.push({ path: [...path, "previous_address"], message: `${quote(rc.previous_address)} is not a resource instance address` });
  }
  return problems;
}

/** `before` and `after` are objects or unset, as the actions imply. */
function changeProblems(change: ChangeJson, path: readonly (string | number)[]): PlanProblem[] {
  const actions = JSON.stringify(change.actions);
  const problems: PlanProblem[] = [];
  for (const side of ["before", "after"] as const) {
    const value = change[side];
    if (value !== undefined && value !== null && !isObject(value)) {
      problems.push({ path: [...path, side], message: `must be an object (the resource's attributes) or null, got ${kindOf(value)}` });
    }
  }
  if (problems.length > 0) return problems;

  const before = isObject(change.before);
  // Terraform leaves `after` out (or null) only when the whole new object is unknown; any
  // other value was refused above.
  const after = isObject(change.after) || change.after_unknown === true;
  const key = actionKey(change.actions);
  if (key === "no-op") {
    if (before !== isObject(change.after)) {
      problems.push({ path, message: `${actions} must leave the object as it is, but before is ${kindOf(change.before)} and after is ${kindOf(change.after)}` });
    }
    return problems;
  }
  const implied = IMPLIED[key];
  if (implied === undefined) return problems; // unknown actions: the schema has reported them
  if (implied.before === "object" && !before) {
    problems.push({ path: [...path, "before"], message: `is ${kindOf(change.before)}, but ${actions} changes an existing object: it must be an object` });
  }
  if (implied.before === "none" && before) {
    problems.push({ path: [...path, "before"], message: `is an object, but ${actions} starts from nothing: it must be null` });
  }
  if (implied.after === "object" && !after) {
    problems.push({
      path: [...path, "after"],
      message: `is ${kindOf(change.after)}, but ${actions} leaves an object: it must be an object (or left out with after_unknown: true)`,
    });
  }
  if (implied.after === "none" && change.after != null) {
    problems.push({ path: [...path, "after"], message: `is an object, but ${actions} leaves nothing: it must be null` });
  }
  return problems;
}

/** An output that is created had no value before; one that is deleted has none after. */
function outputProblems(change: OutputChangeJson, path: readonly (string | number)[]): PlanProblem[] {
  const key = actionKey(change.actions);
  if (key === "create" && change.before != null) {
    return [{ path: [...path, "before"], message: `is ${kindOf(change.before)}, but ["create"] starts from nothing: it must be null` }];
  }
  if (key === "delete" && change.after != null) {
    return [{ path: [...path, "after"], message: `is ${kindOf(change.after)}, but ["delete"] leaves nothing: it must be null` }];
  }
  return [];
}

/** An action list as IMPLIED's keys write it: `delete,create`. */
function actionKey(actions: readonly string[]): string {
  return actions.join(",");
}

function isObject(value: unknown): boolean {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** An address or name for a message: addresses are printed by the report too, but keep them short. */
function quote(text: string): string {
  const json = JSON.stringify(text);
  return json.length > 120 ? `${json.slice(0, 119)}…"` : json;
}
