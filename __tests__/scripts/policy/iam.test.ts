/**
 * Reading IAM policies the way the rules see them (scripts/policy/iam.ts, policy-sites.ts,
 * iam-actions.ts, rule.ts), on hand-written Terraform JSON: the rules judge only what these
 * return, so a wrong reading here is a wrong verdict everywhere.
 */
import { conditionsOn, isAnyone, readPolicy, type PolicyStatement } from "../../../scripts/policy/iam";
import { expandAction, isPermissionsManagement, isWriteOrTagging } from "../../../scripts/policy/iam-actions";
import { SynthesizedStack } from "../../../scripts/policy/model";
import { policySites, statementLabel } from "../../../scripts/policy/policy-sites";
import { checkEach, show } from "../../../scripts/policy/rule";

/** A stack of the given Terraform JSON resources and data sources. */
function stackOf(json: { resource?: object; data?: object }): SynthesizedStack {
  return new SynthesizedStack("dev-test", "cdk.tf.json", "cdktf.out", json);
}

/** A stack with one aws_iam_policy_document `Doc` of the given configuration. */
function withDocument(config: object, more: object = {}): SynthesizedStack {
  return stackOf({ data: { aws_iam_policy_document: { Doc: config, ...more } } });
}

const DOC = "${data.aws_iam_policy_document.Doc.json}";

/** The statement both tests of every field write, in the policy document's and in JSON's spelling. */
const EVERY_FIELD: PolicyStatement = {
  sid: "S",
  effect: "Deny",
  actions: ["s3:GetObject"],
  notActions: ["s3:PutObject"],
  resources: ["arn:aws:s3:::b/*"],
  notResources: ["arn:aws:s3:::c/*"],
  principals: [{ type: "AWS", identifiers: ["arn:aws:iam::111111111111:root"] }],
  notPrincipals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }],
  conditions: [{ test: "StringEquals", variable: "aws:SourceAccount", values: ["111111111111"] }],
};

function statements(stack: SynthesizedStack, value: unknown): readonly PolicyStatement[] {
  const read = readPolicy(stack, value);
  if (!read.ok) throw new Error(read.reason);
  return read.statements;
}

describe("readPolicy of a policy document data source", () => {
  it("reads every field of a statement", () => {
    const stack = withDocument({
      statement: [
        {
          sid: "S",
          effect: "Deny",
          actions: ["s3:GetObject"],
          not_actions: ["s3:PutObject"],
          resources: ["arn:aws:s3:::b/*"],
          not_resources: ["arn:aws:s3:::c/*"],
          principals: [{ type: "AWS", identifiers: ["arn:aws:iam::111111111111:root"] }],
          not_principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: ["111111111111"] }],
        },
      ],
    });
    expect(statements(stack, DOC)).toEqual([EVERY_FIELD]);
  });

  it("reads a statement without effect as Allow", () => {
    expect(statements(withDocument({ statement: [{ actions: ["s3:GetObject"] }] }), DOC)[0].effect).toBe("Allow");
  });

  it("reads a statement without sid as having none", () => {
    expect(statements(withDocument({ statement: [{ actions: ["s3:GetObject"] }] }), DOC)[0].sid).toBeUndefined();
  });

  it("reads a principal or condition without fields as empty strings", () => {
    const [statement] = statements(withDocument({ statement: [{ principals: [{}], condition: [{ values: "x" }] }] }), DOC);
    expect([statement.principals, statement.conditions]).toEqual([[{ type: "", identifiers: [] }], [{ test: "", variable: "", values: ["x"] }]]);
  });

  it("tolerates surrounding white space around the reference", () => {
    expect(readPolicy(withDocument({ statement: [] }), ` ${DOC} `).ok).toBe(true);
  });

  it("includes the statements of source and override documents", () => {
    const stack = withDocument(
      { statement: [{ sid: "Own" }], source_policy_documents: ["${data.aws_iam_policy_document.Src.json}"], override_policy_documents: ["${data.aws_iam_policy_document.Over.json}"] },
      { Src: { statement: [{ sid: "FromSource" }] }, Over: { statement: [{ sid: "FromOverride" }] } },
    );
    expect(statements(stack, DOC).map((s) => s.sid)).toEqual(["Own", "FromSource", "FromOverride"]);
  });

  it("reads a document that includes itself once", () => {
    const stack = withDocument({ statement: [{ sid: "Own" }], source_policy_documents: [DOC] });
    expect(statements(stack, DOC).map((s) => s.sid)).toEqual(["Own"]);
  });

  it("refuses a document whose included document cannot be read, saying which", () => {
    const stack = withDocument({ statement: [], override_policy_documents: ["${data.aws_iam_policy_document.Gone.json}"] });
    expect(readPolicy(stack, DOC)).toEqual({
      ok: false,
      reason: "data.aws_iam_policy_document.Doc.override_policy_documents: data.aws_iam_policy_document.Gone is not in the stack",
    });
  });

  it("refuses a document that merges source_json, which cannot be read statically", () => {
    expect(readPolicy(withDocument({ statement: [], source_json: "{}" }), DOC)).toEqual({
      ok: false,
      reason: "data.aws_iam_policy_document.Doc merges source_json/override_json, which cannot be read statically",
    });
  });

  it("refuses a document that merges override_json", () => {
    expect(readPolicy(withDocument({ statement: [], override_json: "{}" }), DOC).ok).toBe(false);
  });

  it("refuses a reference to a document that is not in the stack", () => {
    expect(readPolicy(stackOf({}), DOC)).toEqual({ ok: false, reason: "data.aws_iam_policy_document.Doc is not in the stack" });
  });

  it("refuses any other expression, showing it", () => {
    expect(readPolicy(stackOf({}), "${aws_iam_policy.P.policy}")).toEqual({
      ok: false,
      reason: "the policy is an expression (${aws_iam_policy.P.policy}), not an aws_iam_policy_document",
    });
  });

  it("shortens a long expression in the reason to 60 characters", () => {
    const read = readPolicy(stackOf({}), `\${${"x".repeat(100)}}`);
    expect(read.ok ? "" : read.reason).toBe(`the policy is an expression (\${${"x".repeat(57)}…), not an aws_iam_policy_document`);
  });
});

describe("readPolicy of literal JSON", () => {
  it("reads every field of a statement", () => {
    const json = JSON.stringify({
      Statement: [
        {
          Sid: "S",
          Effect: "Deny",
          Action: "s3:GetObject",
          NotAction: ["s3:PutObject"],
          Resource: "arn:aws:s3:::b/*",
          NotResource: ["arn:aws:s3:::c/*"],
          Principal: { AWS: ["arn:aws:iam::111111111111:root"] },
          NotPrincipal: { Service: "lambda.amazonaws.com" },
          Condition: { Bool: { "aws:SecureTransport": false } },
        },
      ],
    });
    expect(statements(stackOf({}), json)).toEqual([{ ...EVERY_FIELD, conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }] }]);
  });

  it('reads Principal "*" as everyone', () => {
    expect(statements(stackOf({}), JSON.stringify({ Statement: [{ Principal: "*" }] }))[0].principals).toEqual([{ type: "*", identifiers: ["*"] }]);
  });

  it("reads a statement without Effect or Sid as an Allow without sid", () => {
    const [statement] = statements(stackOf({}), JSON.stringify({ Statement: { Action: "s3:GetObject" } }));
    expect([statement.effect, statement.sid]).toEqual(["Allow", undefined]);
  });

  it("drops null condition values", () => {
    const [statement] = statements(stackOf({}), JSON.stringify({ Statement: [{ Condition: { StringEquals: { k: ["a", null] } } }] }));
    expect(statement.conditions).toEqual([{ test: "StringEquals", variable: "k", values: ["a"] }]);
  });

  it("reads a policy without statements as none", () => {
    expect(statements(stackOf({}), "{}")).toEqual([]);
  });

  it("refuses text that is not JSON, showing it", () => {
    expect(readPolicy(stackOf({}), "not json")).toEqual({ ok: false, reason: "the policy is neither JSON nor an aws_iam_policy_document (not json)" });
  });

  it("refuses an empty policy", () => {
    expect(readPolicy(stackOf({}), "  ")).toEqual({ ok: false, reason: "the policy is empty" });
  });

  it("refuses a policy that is not a string", () => {
    expect(readPolicy(stackOf({}), { Statement: [] })).toEqual({ ok: false, reason: "the policy is empty" });
  });
});

describe("isAnyone", () => {
  it('calls principal "*" everyone', () => {
    expect(isAnyone({ type: "*", identifiers: ["*"] })).toBe(true);
  });

  it('calls { AWS: "*" } everyone', () => {
    expect(isAnyone({ type: "AWS", identifiers: ["arn:aws:iam::1:root", "*"] })).toBe(true);
  });

  it("does not call a named account everyone", () => {
    expect(isAnyone({ type: "AWS", identifiers: ["arn:aws:iam::111111111111:root"] })).toBe(false);
  });

  it('does not call { Service: "*" } everyone', () => {
    expect(isAnyone({ type: "Service", identifiers: ["*"] })).toBe(false);
  });
});

describe("conditionsOn", () => {
  it("finds the conditions on a variable, ignoring case as IAM does", () => {
    const statement = statements(stackOf({}), JSON.stringify({ Statement: [{ Condition: { StringEquals: { "AWS:SourceArn": "x", "aws:SourceAccount": "1" } } }] }))[0];
    expect(conditionsOn(statement, "aws:sourcearn")).toEqual([{ test: "StringEquals", variable: "AWS:SourceArn", values: ["x"] }]);
  });
});

describe("policySites", () => {
  it("finds identity, inline, trust and resource policies with the field holding each", () => {
    const stack = stackOf({
      resource: {
        aws_iam_policy: { Managed: { policy: "m" } },
        aws_iam_role: { Role: { assume_role_policy: "t", inline_policy: [{ name: "a" }, { name: "b", policy: "i" }] } },
        aws_cloudwatch_log_resource_policy: { Logs: { policy_document: "l" } },
        aws_sqs_queue: { Queue: { policy: "q" } },
      },
    });
    expect(policySites(stack).map((s) => [s.resource.address, s.field, s.value, s.kind])).toEqual([
      ["aws_iam_policy.Managed", "policy", "m", "identity"],
      ["aws_iam_role.Role", "inline_policy[1].policy", "i", "identity"],
      ["aws_iam_role.Role", "assume_role_policy", "t", "trust"],
      ["aws_sqs_queue.Queue", "policy", "q", "resource"],
      ["aws_cloudwatch_log_resource_policy.Logs", "policy_document", "l", "resource"],
    ]);
  });

  it("skips a resource policy left unset (the service's default)", () => {
    expect(policySites(stackOf({ resource: { aws_s3_bucket: { B: { bucket: "b" } } } }))).toEqual([]);
  });

  it("finds the policies of every identity and resource policy type", () => {
    const types = [
      "aws_iam_role_policy",
      "aws_iam_user_policy",
      "aws_iam_group_policy",
      "aws_s3_bucket_policy",
      "aws_s3_bucket",
      "aws_sns_topic",
      "aws_sns_topic_policy",
      "aws_kms_key",
      "aws_kms_key_policy",
      "aws_sqs_queue_policy",
      "aws_secretsmanager_secret",
      "aws_secretsmanager_secret_policy",
      "aws_dynamodb_resource_policy",
      "aws_ecr_repository_policy",
    ];
    const stack = stackOf({ resource: Object.fromEntries(types.map((t) => [t, { R: { policy: "p" } }])) });
    expect(policySites(stack).map((s) => s.resource.type).sort()).toEqual([...types].sort());
  });
});

describe("statementLabel", () => {
  it("names a statement by its sid", () => {
    expect(statementLabel({ sid: "Read" } as PolicyStatement)).toBe('statement "Read"');
  });

  it("calls a statement without sid a statement", () => {
    expect(statementLabel({ sid: "" } as PolicyStatement)).toBe("a statement");
  });
});

describe("IAM actions", () => {
  it("expands an action pattern to the service's matching actions", () => {
    expect(expandAction("s3:GetObjectAcl")?.map((a) => [a.name, a.accessLevel, a.restrictable])).toEqual([["s3:GetObjectAcl", "Read", true]]);
  });

  it("expands a wildcard to every matching action", () => {
    expect(expandAction("sqs:Delete*")?.map((a) => a.name).sort()).toEqual(["sqs:DeleteMessage", "sqs:DeleteQueue"]);
  });

  it("reads the service case-insensitively, as IAM does", () => {
    expect(expandAction("S3:GetObjectAcl")?.map((a) => a.name)).toEqual(["s3:GetObjectAcl"]);
  });

  it("knows an action that cannot be limited to resources", () => {
    expect(expandAction("s3:ListAllMyBuckets")?.map((a) => a.restrictable)).toEqual([false]);
  });

  it("knows no action of an unknown service", () => {
    expect(expandAction("nosuchservice:Get")).toBeUndefined();
  });

  it("knows no action of a service name with other characters", () => {
    expect(expandAction("s*:GetObject")).toBeUndefined();
  });

  it("knows no action without a service prefix", () => {
    expect(expandAction("GetObject")).toBeUndefined();
  });

  // The actions are read once per service and kept: each test below names a service no other
  // test in this file reads, so that reading is what it checks.
  it("knows no action for a known service's name alone, without an action part", () => {
    expect(expandAction("budgets")).toBeUndefined();
  });

  it("marks an action with no resource types as one that cannot be limited, the first time its service is read", () => {
    expect(expandAction("cur:GetUsageReport")?.map((a) => a.restrictable)).toEqual([false]);
  });

  it("does not read outside the action data for a service name that ends in a path to a real service", () => {
    expect(expandAction("../actions/health:DescribeEntityAggregates")).toBeUndefined();
  });

  it("does not read outside the action data for a service name that starts like a real service", () => {
    expect(expandAction("ce/../ce:CreateReport")).toBeUndefined();
  });

  it("finds none for a name the service does not have", () => {
    expect(expandAction("s3:NoSuchAction")).toEqual([]);
  });

  it("calls iam:PutRolePolicy permissions management", () => {
    expect(expandAction("iam:PutRolePolicy")?.map(isPermissionsManagement)).toEqual([true]);
  });

  it("does not call s3:GetObject permissions management", () => {
    expect(expandAction("s3:GetObject")?.map(isPermissionsManagement)).toEqual([false]);
  });

  it("calls a tagging action write-or-tagging", () => {
    expect(expandAction("sqs:TagQueue")?.map(isWriteOrTagging)).toEqual([true]);
  });

  it("calls a write action write-or-tagging", () => {
    expect(expandAction("sqs:SendMessage")?.map(isWriteOrTagging)).toEqual([true]);
  });

  it("does not call a read action write-or-tagging", () => {
    expect(expandAction("sqs:ReceiveMessage")?.map(isWriteOrTagging)).toEqual([false]);
  });
});

describe("checkEach", () => {
  it("is not applicable, with the reason, when there is nothing to inspect", () => {
    expect(checkEach([], "no buckets", () => undefined)).toEqual({ kind: "not-applicable", reason: "no buckets" });
  });

  it("counts every item inspected and collects single and listed findings", () => {
    const outcome = checkEach([1, 2, 3], "none", (n) => (n === 1 ? undefined : n === 2 ? { resource: "a", message: "m" } : [{ resource: "b", message: "m" }, { resource: "c", message: "m" }]));
    expect(outcome).toEqual({ kind: "checked", checked: 3, findings: [{ resource: "a", message: "m" }, { resource: "b", message: "m" }, { resource: "c", message: "m" }] });
  });
});

describe("show", () => {
  it("shows an unset value as unset", () => {
    expect(show(undefined)).toBe("unset");
  });

  it("shows a value as JSON", () => {
    expect(show({ a: "b" })).toBe('{"a":"b"}');
  });

  it("shows a value JSON cannot write as text", () => {
    expect(show(Symbol("s"))).toBe("Symbol(s)");
  });

  it("keeps a value of 80 characters whole", () => {
    expect(show("x".repeat(78))).toBe(`"${"x".repeat(78)}"`);
  });

  it("cuts a longer value to 79 characters and an ellipsis", () => {
    expect(show("x".repeat(79))).toBe(`"${"x".repeat(78)}…`);
  });
});
