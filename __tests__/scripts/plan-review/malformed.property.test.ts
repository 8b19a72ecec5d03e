/**
 * The gate cannot be fooled: generated plans that each delete a protected bucket in prod
 * must fail the review (exit 2), and every way of breaking such a plan — cutting it short,
 * invalid JSON anywhere, a duplicated key, values or a type that contradict the actions, a
 * state or another format version — must be refused (exit 1), never passed (exit 0). And
 * whatever the reader accepts, it reads exactly what JSON.parse reads.
 */
import fc from "fast-check";
import { UserError } from "../../../lib/errors";
import { KNOWN_ACTIONS, OUTPUT_ACTIONS, parsePlanBytes, parsePlanText, PLAN_KEEP } from "../../../scripts/plan-review/parse";
import { DEFAULT_PROTECTED_TYPES, summarize } from "../../../scripts/plan-review/summarize";
import { project } from "../shared/skeleton-support";

/** In attribute values of every generated plan: no error message may ever contain it. */
const SECRET = "s3cr3t-value-never-printed";
const PROTECTED = "aws_s3_bucket.protected";
const FILE = "plan.json";

const TYPES = ["aws_s3_bucket", "aws_dynamodb_table", "aws_iam_role", "aws_lambda_function", "null_resource"] as const;

const attributes = fc.dictionary(
  fc.constantFrom("id", "arn", "name", "tags", "policy", "password"),
  fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(SECRET)),
  { maxKeys: 4 },
);

const change = fc.record({
  type: fc.constantFrom(...TYPES),
  actions: fc.constantFrom(...KNOWN_ACTIONS),
  module: fc.constantFrom("", "module.app.", 'module.db["eu"].'),
  key: fc.constantFrom("", "[0]", '["k"]'),
  before: attributes,
  after: attributes,
});

/** A plan `terraform show -json` could have written, with the protected bucket's deletion among other changes. */
const plan = fc
  .record({
    changes: fc.array(change, { maxLength: 5 }),
    protectedAt: fc.nat(),
    outputs: fc.dictionary(fc.constantFrom("url", "arn", "name"), fc.constantFrom(...OUTPUT_ACTIONS), { maxKeys: 2 }),
    indent: fc.constantFrom(0, 1, 2),
  })
  .map(({ changes, protectedAt, outputs, indent }) => {
    const entries: Record<string, unknown>[] = changes.map((c, i) => {
      const read = c.actions[0] === "read";
      const name = `r${i}`;
      const [first] = c.actions;
      const noBefore = c.actions.length === 1 && (first === "create" || first === "read");
      const noAfter = c.actions.length === 1 && (first === "delete" || first === "forget");
      return {
        address: `${c.module}${read ? "data." : ""}${c.type}.${name}${c.key}`,
        ...(c.module ? { module_address: c.module.slice(0, -1) } : {}),
        mode: read ? "data" : "managed",
        type: c.type,
        name,
        provider_name: "registry.terraform.io/hashicorp/aws",
        change: { actions: c.actions, before: noBefore ? null : c.before, after: noAfter ? null : c.after, after_unknown: noAfter ? false : {} },
      };
    });
    const doomed = {
      address: PROTECTED,
      mode: "managed",
      type: "aws_s3_bucket",
      name: "protected",
      change: { actions: ["delete"], before: { bucket: SECRET, marker: "@@" }, after: null, after_unknown: false },
    };
    entries.splice(protectedAt % (entries.length + 1), 0, doomed);
    const output_changes = Object.fromEntries(
      Object.entries(outputs).map(([name, actions]) => [
        name,
        { actions, before: actions[0] === "create" ? null : SECRET, after: actions[0] === "delete" ? null : SECRET, after_unknown: false },
      ]),
    );
    const json = {
      format_version: "1.2",
      terraform_version: "1.11.4",
      planned_values: { root_module: { marker: "@@", resources: [{ address: "aws_iam_role.r", values: { password: SECRET } }] } },
      resource_changes: entries,
      output_changes,
      prior_state: { format_version: "1.0", values: { root_module: {} } },
      configuration: { root_module: {} },
      applyable: true,
      complete: true,
      errored: false,
    };
    return { json, text: JSON.stringify(json, null, indent) };
  });

type Plan = { readonly json: Record<string, unknown> & { resource_changes: Record<string, unknown>[] }; readonly text: string };

/** The review's exit code for the plan as stack prod-app (0 pass, 1 unreviewable, 2 protected destruction), or the refusal. */
function review(input: string | Uint8Array): { exitCode: 0 | 1 | 2 } | { refused: UserError } {
  try {
    const parsed = typeof input === "string" ? parsePlanText(input, FILE) : parsePlanBytes(input, FILE);
    const result = summarize([{ stackId: "prod-app", parsed }], {
      protectEnvs: ["prod"],
      protectTypes: [...DEFAULT_PROTECTED_TYPES],
      allowDestroy: false,
      envOrder: ["dev", "staging", "prod"],
    });
    return { exitCode: result.exitCode };
  } catch (error) {
    if (error instanceof UserError) return { refused: error };
    throw error;
  }
}

/** The plan with the protected entry changed by `edit` (a deep copy: the generated plan is shared by shrinking). */
function withProtected(p: Plan, edit: (entry: Record<string, unknown> & { change: Record<string, unknown> }) => void): string {
  const json = structuredClone(p.json);
  const entry = json.resource_changes.find((e) => e.address === PROTECTED) as Record<string, unknown> & { change: Record<string, unknown> };
  edit(entry);
  return JSON.stringify(json);
}

const BAD_TOKENS = ["tru", "nul", "NaN", "Infinity", "undefined", '{"a":1,,}', "[1,]", "'x'", "01", "1.", "-", '"\\x"', "{a:1}", '"a\u0001b"'];

/** Ways to break a plan that still deletes the protected bucket somewhere in its bytes. */
const MUTATIONS: Record<string, (p: Plan, n: number) => string | Uint8Array> = {
  "cut short": (p, n) => p.text.slice(0, n % p.text.trimEnd().length),
  "an invalid token where a value was": (p, n) => {
    const token = BAD_TOKENS[n % BAD_TOKENS.length];
    const markers = [...p.text.matchAll(/"@@"/g)];
    const at = markers[n % markers.length].index ?? 0;
    return p.text.slice(0, at) + token + p.text.slice(at + 4);
  },
  // A reader that keeps the last of two keys would see a consistent no-op here.
  "second actions and after keys": (p, n) => {
    const text = JSON.stringify(p.json);
    const doomed = JSON.stringify(p.json.resource_changes.find((e) => e.address === PROTECTED)?.change);
    const actions = n % 2 ? '"actions"' : '"\\u0061ctions"';
    return text.replace(doomed, `${doomed.slice(0, -1)},${actions}:["no-op"],"after":{"bucket":"kept"}}`);
  },
  "a second resource_changes key": (p) => p.text.replace(/}\s*$/, ',"resource_changes":[]}'),
  "a type that disagrees with the address": (p) => withProtected(p, (e) => (e.type = "null_resource")),
  "a mode that disagrees with the address": (p) => withProtected(p, (e) => (e.mode = "data")),
  "an after value on a delete": (p) => withProtected(p, (e) => (e.change.after = {})),
  "actions that say nothing happens": (p, n) => withProtected(p, (e) => (e.change.actions = n % 2 ? ["no-op"] : ["update"])),
  "actions outside the documented set": (p, n) =>
    withProtected(p, (e) => (e.change.actions = [["destroy"], ["delete", "delete"], "delete", [], ["Delete"], ["forget", "create"]][n % 6])),
  "an address that is not one": (p, n) => withProtected(p, (e) => (e.address = ["aws_s3_bucket", `${PROTECTED}.x`, "", "bucket protected"][n % 4])),
  "the same address twice": (p) =>
    withProtected(p, () => undefined).replace(/"resource_changes":\[/, `"resource_changes":[{"address":"${PROTECTED}","change":{"actions":["no-op"],"before":{},"after":{}}},`),
  "a state's values instead of planned_values": (p) => p.text.replace('"planned_values"', '"values"'),
  "another major format_version": (p, n) => p.text.replace('"format_version":"1.2"', n % 2 ? '"format_version":"2.0"' : '"format_version":2').replace('"format_version": "1.2"', '"format_version": "2.0"'),
  "no format_version": (p) => JSON.stringify({ ...p.json, format_version: undefined }),
  "a root that is not an object": (p, n) => (n % 2 ? `[${p.text}]` : "null"),
  "nesting deeper than the limit": (p, n) => p.text.replace('"@@"', "[".repeat(513 + (n % 2000)) + "]".repeat(513 + (n % 2000))),
  "a byte that is not UTF-8": (p, n) => {
    const bytes = Buffer.from(p.text);
    const at = bytes.indexOf(SECRET) + (n % SECRET.length);
    return Buffer.concat([bytes.subarray(0, at), Buffer.from([0xff]), bytes.subarray(at)]);
  },
};

describe("plan-review cannot be fooled", () => {
  it("fails the review of every generated plan that deletes the protected bucket in prod (exit 2)", () => {
    fc.assert(
      fc.property(plan, (p) => {
        expect(review(p.text)).toEqual({ exitCode: 2 });
      }),
      { numRuns: 100 },
    );
  });

  it.each(Object.keys(MUTATIONS))("refuses the plan with %s (exit 1), naming the file and quoting no value", (name) => {
    fc.assert(
      fc.property(plan, fc.nat(), (p, n) => {
        const outcome = review(MUTATIONS[name](p, n));
        expect("refused" in outcome && outcome.refused.message.startsWith(`${FILE}: `) && !outcome.refused.message.includes(SECRET)).toBe(true);
      }),
      { numRuns: 25 },
    );
  });

  it("reads exactly what JSON.parse reads from any edit of a plan that it accepts", () => {
    const edit = fc.record({
      at: fc.nat(),
      remove: fc.integer({ min: 0, max: 3 }),
      insert: fc.constantFrom("", '"', ",", "}", "]", "[", "{", ":", "0", "null", '"x"', "\\", "e", " "),
    });
    fc.assert(
      fc.property(plan, edit, (p, { at, remove, insert }) => {
        const i = at % (p.text.length + 1);
        const edited = p.text.slice(0, i) + insert + p.text.slice(i + remove);
        let parsed;
        try {
          parsed = parsePlanText(edited, FILE);
        } catch (error) {
          if (error instanceof UserError) return;
          throw error;
        }
        expect(parsed.plan).toEqual(project(JSON.parse(edited), PLAN_KEEP));
      }),
      { numRuns: 300 },
    );
  });
});
