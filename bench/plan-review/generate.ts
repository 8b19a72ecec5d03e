/**
 * A synthetic `terraform show -json` plan for benchmarks and truncation tests: N resource
 * changes with mixed actions and before/after values the size of real AWS resources
 * (tags, ARNs, an IAM policy document, nested blocks), deterministic for a given seed.
 */
import { seededRandom } from "../support/seeded-random";

export interface GeneratePlanOptions {
  readonly resourceChanges: number;
  /** @default 1 */
  readonly seed?: number;
  /** Drift entries (a tenth of the changes is typical of a long-lived workspace). @default resourceChanges / 10 */
  readonly driftEntries?: number;
}

const TYPES = [
  "aws_lambda_function",
  "aws_iam_role",
  "aws_iam_role_policy",
  "aws_s3_bucket",
  "aws_s3_object",
  "aws_dynamodb_table",
  "aws_cloudwatch_log_group",
  "aws_cloudwatch_metric_alarm",
  "aws_route53_record",
  "aws_apigatewayv2_route",
  "aws_security_group_rule",
  "aws_ssm_parameter",
] as const;

/** Weighted like a busy multi-stack change set: mostly creates and updates. */
const ACTIONS: readonly (readonly [readonly string[], number])[] = [
  [["create"], 40],
  [["update"], 22],
  [["no-op"], 15],
  [["delete", "create"], 6],
  [["create", "delete"], 2],
  [["delete"], 6],
  [["read"], 6],
  [["forget"], 1],
  [["create", "forget"], 2],
];

export function generatePlan(options: GeneratePlanOptions): Record<string, unknown> {
  const random = seededRandom(options.seed ?? 1);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const totalWeight = ACTIONS.reduce((sum, [, w]) => sum + w, 0);
  const pickActions = (): readonly string[] => {
    let r = random() * totalWeight;
    for (const [actions, weight] of ACTIONS) {
      r -= weight;
      if (r < 0) return actions;
    }
    return ["update"];
  };

  const resourceChanges = [];
  for (let i = 0; i < options.resourceChanges; i++) {
    const type = pick(TYPES);
    const actions = pickActions();
    const isRead = actions[0] === "read";
    const name = `r${i}`;
    const module = i % 3 === 0 ? `module.svc_${i % 50}.` : "";
    const address = `${module}${isRead ? "data." : ""}${type}.${name}`;
    const values = attributeValues(type, i, random);
    const changed = { ...values, description: `${values.description} v2`, tags: { ...values.tags, Revision: String(i) } };
    const before = actions[0] === "create" && actions.length === 1 ? null : values;
    const after = actions.length === 1 && (actions[0] === "delete" || actions[0] === "forget") ? null : changed;
    const entry: Record<string, unknown> = {
      address,
      ...(module ? { module_address: module.slice(0, -1) } : {}),
      mode: isRead ? "data" : "managed",
      type,
      name,
      provider_name: "registry.terraform.io/hashicorp/aws",
      change: {
        actions,
        before,
        after,
        after_unknown: after === null ? false : { arn: true, id: true, tags_all: true },
        before_sensitive: before === null ? false : { environment: [{ variables: true }], tags: {} },
        after_sensitive: after === null ? false : { environment: [{ variables: true }], tags: {} },
        ...(actions.length === 2 ? { replace_paths: [["name"], ["tags", "Name"]] } : {}),
        ...(i % 97 === 0 ? { importing: { id: `import-${i}` } } : {}),
      },
      ...(actions.length === 2 ? { action_reason: "replace_because_cannot_update" } : {}),
      ...(actions[0] === "delete" && actions.length === 1 ? { action_reason: "delete_because_no_resource_config" } : {}),
      ...(i % 89 === 0 ? { previous_address: `${module}${type}.old_${name}` } : {}),
    };
    resourceChanges.push(entry);
  }

  const driftEntries = options.driftEntries ?? Math.floor(options.resourceChanges / 10);
  const resourceDrift = [];
  for (let i = 0; i < driftEntries; i++) {
    const type = pick(TYPES);
    const values = attributeValues(type, i, random);
    resourceDrift.push({
      address: `${type}.drift${i}`,
      mode: "managed",
      type,
      name: `drift${i}`,
      provider_name: "registry.terraform.io/hashicorp/aws",
      change: { actions: [i % 7 === 0 ? "delete" : "update"], before: values, after: i % 7 === 0 ? null : values },
    });
  }

  return {
    format_version: "1.2",
    terraform_version: "1.10.5",
    planned_values: { root_module: {} },
    resource_drift: resourceDrift,
    resource_changes: resourceChanges,
    output_changes: {
      function_name: { actions: ["update"], before: "acme-web-prod-ssr", after: "acme-web-prod-ssr-2", after_unknown: false, before_sensitive: false, after_sensitive: false },
      db_password: { actions: ["update"], before: "bench-secret-before", after: "bench-secret-after", after_unknown: false, before_sensitive: true, after_sensitive: true },
    },
    applyable: true,
    complete: true,
    errored: false,
  };
}

/** About 1 KB of attributes, like a typical AWS resource in state. */
function attributeValues(type: string, i: number, random: () => number) {
  const id = Math.floor(random() * 1e12).toString(36);
  const arn = `arn:aws:${type.split("_")[1]}:eu-west-1:333333333333:${type}/acme-web-prod-${id}`;
  return {
    id: `acme-web-prod-${id}`,
    arn,
    name: `acme-web-prod-${type.replace(/^aws_/, "")}-${i}`,
    description: `Managed by Terraform for acme-web prod (${type} #${i})`,
    tags: { Project: "acme-web", Environment: "prod", Owner: "platform-team", CostCenter: "web-platform", Name: `r${i}` },
    tags_all: { Project: "acme-web", Environment: "prod", Owner: "platform-team", CostCenter: "web-platform", Name: `r${i}` },
    policy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"], Resource: [arn, `${arn}/index/*`] },
        { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${arn}:log-stream:*` },
      ],
    }),
    environment: [{ variables: { LOG_LEVEL: "warn", TABLE_NAME: `acme-web-prod-${id}`, SECRET_TOKEN: `bench-secret-${id}` } }],
    timeouts: null,
    retention_in_days: 90,
    memory_size: 1536,
    timeout: 10,
    publish: true,
    ingress: [{ from_port: 443, to_port: 443, protocol: "tcp", cidr_blocks: ["10.0.0.0/16"], self: false }],
  };
}
