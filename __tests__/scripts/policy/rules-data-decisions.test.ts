/**
 * The data rules' decisions (scripts/policy/rules/encryption.ts: KMS-1 keys, SNS-1 topics,
 * SQS-1 queues; secrets.ts: SEC-1 secrets in variables and outputs, SEC-2 credentials in
 * providers; dynamodb.ts: DDB-1 encryption, DDB-2 deletion protection, DDB-3 point-in-time
 * recovery), one at a time, on hand-written Terraform JSON: each test runs one rule's check over
 * a stack of a few resources, without synthesizing anything. rules-encryption.test.ts and
 * rules-app.test.ts run the same rules over stacks the real constructs synthesize.
 */
import type { EnvironmentConfig } from "../../../environments/schema";
import { SynthesizedStack } from "../../../scripts/policy/model";
import type { Rule, RuleOutcome } from "../../../scripts/policy/rule";
import { dynamoDeletionProtection, dynamoEncrypted, dynamoPointInTimeRecovery } from "../../../scripts/policy/rules/dynamodb";
import { kmsKeyHygiene, snsTopicEncrypted, sqsQueueEncrypted } from "../../../scripts/policy/rules/encryption";
import { noCredentialsInProviders, noSecretsInConfig } from "../../../scripts/policy/rules/secrets";
import { Workspace } from "../../../scripts/policy/workspace";

const STACK = "dev-app";

/**
 * What a rule decides about stack `dev-app` of a workspace of these stacks (id → Terraform JSON).
 * The environment is only what the rules read: its name and whether it is protected.
 */
function outcomeIn(rule: Rule, stacks: Record<string, object>, env?: { name: string; protected: boolean }): RuleOutcome {
  const all = Object.entries(stacks).map(([id, json]) => new SynthesizedStack(id, "cdk.tf.json", "cdktf.out", json));
  const stack = all.find((s) => s.id === STACK);
  if (!stack) throw new Error(`no stack ${STACK} among ${Object.keys(stacks).join(", ")}`);
  const config = env as EnvironmentConfig | undefined;
  return rule.check({ stack, workspace: new Workspace(all), env: config, environments: config ? [config] : [], environmentOf: () => config, now: new Date("2025-06-01T00:00:00Z") });
}

/** What a rule decides about a stack `dev-app` of this Terraform JSON. */
const outcomeOf = (rule: Rule, json: object, env?: { name: string; protected: boolean }): RuleOutcome => outcomeIn(rule, { [STACK]: json }, env);

/** What a rule decides about a stack of these resources. */
const outcome = (rule: Rule, resource: object, env?: { name: string; protected: boolean }): RuleOutcome => outcomeOf(rule, { resource }, env);

/** The findings as `[resource, message]` pairs; a rule that did not check anything is a test error. */
function messages(result: RuleOutcome): [string, string][] {
  if (result.kind !== "checked") throw new Error(`the rule did not check the stack: ${result.kind} (${result.reason})`);
  return result.findings.map((f) => [f.resource, f.message]);
}

const findings = (rule: Rule, resource: object, env?: { name: string; protected: boolean }): [string, string][] => messages(outcome(rule, resource, env));

/** A key that passes KMS-1: rotating, enabled, with a policy of its own. */
const GOOD_KEY = { enable_key_rotation: true, policy: "{}" };
const NO_KEY_POLICY =
  "has no key policy (policy unset and no aws_kms_key_policy), so it gets KMS's default, which hands the key to every IAM policy of the account";

describe("KMS-1 which keys it checks", () => {
  it("does not apply to a stack without KMS keys, and says so", () => {
    expect(outcome(kmsKeyHygiene, { aws_sns_topic: { T: { name: "events" } } })).toEqual({ kind: "not-applicable", reason: "no KMS keys in this stack" });
  });

  it("asks a key that states no key spec to rotate: the default spec is symmetric", () => {
    expect(findings(kmsKeyHygiene, { aws_kms_key: { K: { policy: "{}" } } })).toEqual([["aws_kms_key.K", "enable_key_rotation is unset, so the key material never rotates"]]);
  });

  it("asks a SYMMETRIC_DEFAULT key to rotate", () => {
    expect(findings(kmsKeyHygiene, { aws_kms_key: { K: { customer_master_key_spec: "SYMMETRIC_DEFAULT", enable_key_rotation: false, policy: "{}" } } })).toEqual([
      ["aws_kms_key.K", "enable_key_rotation is false, so the key material never rotates"],
    ]);
  });

  it("does not ask an asymmetric or HMAC key to rotate: KMS cannot rotate them", () => {
    for (const spec of ["RSA_2048", "ECC_NIST_P256", "HMAC_256"]) {
      expect(findings(kmsKeyHygiene, { aws_kms_key: { K: { customer_master_key_spec: spec, policy: "{}" } } })).toEqual([]);
    }
  });

  it("does not ask a symmetric key in a custom key store to rotate: KMS cannot rotate it", () => {
    expect(findings(kmsKeyHygiene, { aws_kms_key: { K: { custom_key_store_id: "cks-1234567890abcdef0", policy: "{}" } } })).toEqual([]);
    expect(findings(kmsKeyHygiene, { aws_kms_key: { K: { custom_key_store_id: "${aws_cloudhsm_v2_cluster.C.id}", policy: "{}" } } })).toEqual([]);
  });

  it("asks a key whose custom_key_store_id is null or empty to rotate: it is in KMS's own store", () => {
    for (const store of [null, ""]) {
      expect(findings(kmsKeyHygiene, { aws_kms_key: { K: { custom_key_store_id: store, policy: "{}" } } })).toEqual([
        ["aws_kms_key.K", "enable_key_rotation is unset, so the key material never rotates"],
      ]);
    }
  });
});

describe("KMS-1 a disabled key", () => {
  it('flags is_enabled false, and "false", which Terraform reads as false', () => {
    for (const disabled of [false, "false"]) {
      expect(findings(kmsKeyHygiene, { aws_kms_key: { K: { ...GOOD_KEY, is_enabled: disabled } } })).toEqual([["aws_kms_key.K", "is_enabled is false: everything encrypted with the key is unreadable"]]);
    }
  });

  it('passes is_enabled true and "true"', () => {
    for (const enabled of [true, "true"]) expect(findings(kmsKeyHygiene, { aws_kms_key: { K: { ...GOOD_KEY, is_enabled: enabled } } })).toEqual([]);
  });
});

describe("KMS-1 where a key's policy comes from", () => {
  it("passes a key without policy whose aws_kms_key_policy names it", () => {
    const json = { aws_kms_key: { K: { enable_key_rotation: true } }, aws_kms_key_policy: { P: { key_id: "${aws_kms_key.K.id}", policy: "{}" } } };
    expect(findings(kmsKeyHygiene, json)).toEqual([]);
  });

  it("does not count another key's aws_kms_key_policy", () => {
    const json = { aws_kms_key: { K: { enable_key_rotation: true }, Other: GOOD_KEY }, aws_kms_key_policy: { P: { key_id: "${aws_kms_key.Other.id}", policy: "{}" } } };
    expect(findings(kmsKeyHygiene, json)).toEqual([["aws_kms_key.K", NO_KEY_POLICY]]);
  });

  it("does not count an aws_kms_key_policy naming a key id literally, which cannot be a key of this stack", () => {
    const json = { aws_kms_key: { K: { enable_key_rotation: true } }, aws_kms_key_policy: { P: { key_id: "1234abcd-12ab-34cd-56ef-1234567890ab", policy: "{}" } } };
    expect(findings(kmsKeyHygiene, json)).toEqual([["aws_kms_key.K", NO_KEY_POLICY]]);
  });
});

describe("SNS-1 topics", () => {
  it("does not apply to a stack without SNS topics, and says so", () => {
    expect(outcome(snsTopicEncrypted, { aws_kms_key: { K: GOOD_KEY } })).toEqual({ kind: "not-applicable", reason: "no SNS topics in this stack" });
  });

  it("flags a topic without kms_master_key_id", () => {
    expect(findings(snsTopicEncrypted, { aws_sns_topic: { T: { name: "events" } } })).toEqual([["aws_sns_topic.T", "topic events has no kms_master_key_id, so messages are stored unencrypted"]]);
  });

  it("flags a topic whose kms_master_key_id is empty", () => {
    expect(findings(snsTopicEncrypted, { aws_sns_topic: { T: { name: "events", kms_master_key_id: "" } } })).toEqual([
      ["aws_sns_topic.T", "topic events has no kms_master_key_id, so messages are stored unencrypted"],
    ]);
  });

  it("flags a topic on alias/aws/sns that an alarm of another stack notifies through remote state", () => {
    const app = { resource: { aws_sns_topic: { T: { name: "alarms", kms_master_key_id: "alias/aws/sns" } } }, output: { "cross-stack-output-aws_sns_topicTarn": { value: "${aws_sns_topic.T.arn}" } } };
    const monitoring = {
      data: { terraform_remote_state: { "cross-stack-reference-input-dev-app": { backend: "s3", config: {} } } },
      resource: { aws_cloudwatch_metric_alarm: { A: { alarm_actions: ["${data.terraform_remote_state.cross-stack-reference-input-dev-app.outputs.cross-stack-output-aws_sns_topicTarn}"] } } },
    };
    expect(messages(outcomeIn(snsTopicEncrypted, { [STACK]: app, "dev-monitoring": monitoring }))).toEqual([
      ["aws_sns_topic.T", "topic alarms receives alarm notifications but uses alias/aws/sns, whose policy does not let CloudWatch publish: the alarm fires and nobody is told"],
    ]);
  });

  it("passes a topic that an alarm notifies when its key is a customer-managed one", () => {
    const resources = {
      aws_kms_key: { K: GOOD_KEY },
      aws_sns_topic: { T: { name: "alarms", kms_master_key_id: "${aws_kms_key.K.arn}" } },
      aws_cloudwatch_metric_alarm: { A: { alarm_actions: ["${aws_sns_topic.T.arn}"] } },
    };
    expect(findings(snsTopicEncrypted, resources)).toEqual([]);
  });

  it("passes a topic on alias/aws/sns that no alarm notifies, though another stack's topic of the same address is alarmed", () => {
    const topic = { aws_sns_topic: { T: { name: "events", kms_master_key_id: "alias/aws/sns" } } };
    const other = { resource: { ...topic, aws_cloudwatch_metric_alarm: { A: { alarm_actions: ["${aws_sns_topic.T.arn}"] } } } };
    expect(messages(outcomeIn(snsTopicEncrypted, { [STACK]: { resource: topic }, "dev-other": other }))).toEqual([]);
  });
});

describe("SQS-1 queues", () => {
  it("does not apply to a stack without SQS queues, and says so", () => {
    expect(outcome(sqsQueueEncrypted, { aws_sns_topic: { T: { name: "events" } } })).toEqual({ kind: "not-applicable", reason: "no SQS queues in this stack" });
  });

  it("passes a queue encrypted with a KMS key", () => {
    expect(findings(sqsQueueEncrypted, { aws_sqs_queue: { Q: { name: "jobs", kms_master_key_id: "alias/aws/sqs" } } })).toEqual([]);
  });

  it("flags a queue whose kms_master_key_id is empty and which does not enable SSE-SQS", () => {
    expect(findings(sqsQueueEncrypted, { aws_sqs_queue: { Q: { name: "jobs", kms_master_key_id: "", sqs_managed_sse_enabled: false } } })).toEqual([
      ["aws_sqs_queue.Q", "queue jobs sets neither kms_master_key_id nor sqs_managed_sse_enabled = true (got false)"],
    ]);
  });
});

/** SEC-1's findings for one function `aws_lambda_function.F` with these environment variables. */
const variableFindings = (variables: Record<string, string>) =>
  outcome(noSecretsInConfig, { aws_lambda_function: { F: { function_name: "app", environment: { variables } } } });

/** SEC-1's findings for a stack whose only output is this one. */
const outputFindings = (name: string, value: unknown) => outcomeOf(noSecretsInConfig, { output: { [name]: { value } } });

describe("SEC-1 what it reads", () => {
  it("does not apply to a stack without Lambda environment variables or outputs, and says so", () => {
    expect(outcome(noSecretsInConfig, { aws_s3_bucket: { B: { bucket: "b" } } })).toEqual({
      kind: "not-applicable",
      reason: "no Lambda environment variables or outputs in this stack",
    });
  });

  it("reads a function without an environment block as having no variables", () => {
    expect(outcome(noSecretsInConfig, { aws_lambda_function: { F: { function_name: "app" } } })).toEqual({
      kind: "not-applicable",
      reason: "no Lambda environment variables or outputs in this stack",
    });
  });
});

describe("SEC-1 values passed from other resources", () => {
  it("flags an SSM parameter's value passed in a secret-looking variable, once", () => {
    expect(messages(variableFindings({ DB_PASSWORD: "${data.aws_ssm_parameter.Db.value}" }))).toEqual([
      ["aws_lambda_function.F", "environment variable DB_PASSWORD passes the value of data.aws_ssm_parameter.Db in plain text"],
    ]);
  });

  it("judges a secret-looking variable holding an SSM parameter's ARN by its name, not as a passed value", () => {
    expect(messages(variableFindings({ DB_PASSWORD: "${data.aws_ssm_parameter.Db.arn}" }))).toEqual([
      [
        "aws_lambda_function.F",
        'environment variable DB_PASSWORD has a secret-looking name (value "${data.aws_ssm_parameter.Db.arn}"), so the secret would sit in plain text in the function configuration, every plan and the state',
      ],
    ]);
  });

  it("flags a secret attribute named by the last part of a nested path (outputs.session.token)", () => {
    expect(messages(variableFindings({ UPSTREAM: "${data.terraform_remote_state.Auth.outputs.session.token}" }))).toEqual([
      ["aws_lambda_function.F", "environment variable UPSTREAM passes the secret data.terraform_remote_state.Auth.outputs.session.token in plain text"],
    ]);
  });
});

describe("SEC-1 secret-looking names", () => {
  it("says a secret-looking variable with an empty value has a secret-looking name, not a hard-coded value", () => {
    expect(messages(variableFindings({ API_TOKEN: "" }))).toEqual([
      [
        "aws_lambda_function.F",
        'environment variable API_TOKEN has a secret-looking name (value ""), so the secret would sit in plain text in the function configuration, every plan and the state',
      ],
    ]);
  });

  it("reads a camelCase variable name word by word (apiToken is API_TOKEN) and names its pointer in UPPER_SNAKE", () => {
    const result = variableFindings({ apiToken: "tok" });
    expect(result.kind === "checked" && result.findings.map((f) => f.fix)).toEqual([
      'Keep the secret in SSM Parameter Store (SecureString) or Secrets Manager and pass only where to find it, e.g. API_TOKEN_PARAMETER = "/<project>/<env>/apitoken" (or a _SECRET_ARN); the function reads the value at runtime. If apiToken holds no secret, rename it (names ending in _PARAMETER, _ARN or _NAME are pointers).',
    ]);
  });

  it("reads a kebab-case output name word by word (db-password is DB_PASSWORD)", () => {
    expect(messages(outputFindings("db-password", "${var.db_password}"))).toEqual([
      ["output.db-password", 'output db-password has a secret-looking name (value "${var.db_password}"), so the secret would sit in plain text in the outputs, every plan and the state'],
    ]);
  });

  it("tells how to fix a secret-looking output: output where the secret is, not the secret", () => {
    const result = outputFindings("api_token", "${var.api_token}");
    expect(result.kind === "checked" && result.findings.map((f) => f.fix)).toEqual([
      "Do not output secrets: output the name or ARN of the SSM parameter or Secrets Manager secret that holds it, or drop the output. If api_token holds no secret, rename it.",
    ]);
  });

  it("leaves cdktf's name for cross-stack outputs to outputs: a variable named so is judged by its name", () => {
    expect(messages(variableFindings({ "cross-stack-output-secret": "${var.x}" }))).toEqual([
      [
        "aws_lambda_function.F",
        'environment variable cross-stack-output-secret has a secret-looking name (value "${var.x}"), so the secret would sit in plain text in the function configuration, every plan and the state',
      ],
    ]);
  });
});

describe("SEC-2 credentials in providers", () => {
  it("does not apply to a stack whose only provider is not AWS, and says so", () => {
    expect(outcomeOf(noCredentialsInProviders, { provider: { random: [{}] } })).toEqual({ kind: "not-applicable", reason: "no AWS provider or S3 backend in this stack" });
  });

  it("does not take an empty access_key for a credential", () => {
    expect(messages(outcomeOf(noCredentialsInProviders, { provider: { aws: [{ region: "eu-west-1", access_key: "" }] } }))).toEqual([]);
  });
});

/** A table `aws_dynamodb_table.T` named `sessions` with this configuration. */
const table = (config: object) => ({ aws_dynamodb_table: { T: { name: "sessions", ...config } } });
const PROD = { name: "prod", protected: true };

describe("DDB-1 table encryption", () => {
  it("does not apply to a stack without DynamoDB tables, and says so", () => {
    expect(outcome(dynamoEncrypted, { aws_s3_bucket: { B: { bucket: "b" } } })).toEqual({ kind: "not-applicable", reason: "no DynamoDB tables in this stack" });
  });

  it("flags a table that turns server-side encryption with KMS off, showing the value", () => {
    expect(findings(dynamoEncrypted, table({ server_side_encryption: { enabled: false } }))).toEqual([
      ["aws_dynamodb_table.T", "table sessions has server_side_encryption.enabled false"],
    ]);
  });
});

describe("DDB-2 and DDB-3 which stacks they check", () => {
  it("does not apply to a stack of an environment that is not protected, and names it", () => {
    expect(outcome(dynamoDeletionProtection, table({}), { name: "dev", protected: false })).toEqual({ kind: "not-applicable", reason: "environment dev is not protected" });
  });

  it("does not apply to a stack of no environment, and says so", () => {
    expect(outcome(dynamoPointInTimeRecovery, table({}))).toEqual({ kind: "not-applicable", reason: "stack belongs to no environment" });
  });

  it("does not apply to a protected environment's stack without DynamoDB tables, and says so", () => {
    expect(outcome(dynamoDeletionProtection, { aws_s3_bucket: { B: { bucket: "b" } } }, PROD)).toEqual({ kind: "not-applicable", reason: "no DynamoDB tables in this stack" });
  });
});
