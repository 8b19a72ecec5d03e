/**
 * Monitoring: once an environment has any CloudWatch alarm, every function, API, table and
 * distribution in it must appear in some alarm's dimensions, and every alarm must notify.
 * Before the first alarm exists the rule is skipped (reported as such), not passed.
 */
import { literalString, stringsIn } from "../expressions";
import { asBlock, asBlocks, asStrings, type SynthesizedStack, type TfResource } from "../model";
import { checked, notApplicable, skipped, type Finding, type Rule, type RuleContext } from "../rule";

const ALARM = "aws_cloudwatch_metric_alarm";

/** Resource types that need alarms, and the attribute alarms may name them by literally. */
const MONITORED: Readonly<Record<string, { readonly what: string; readonly nameAttribute?: string }>> = {
  aws_lambda_function: { what: "function", nameAttribute: "function_name" },
  aws_apigatewayv2_api: { what: "API" },
  aws_api_gateway_rest_api: { what: "API", nameAttribute: "name" },
  aws_dynamodb_table: { what: "table", nameAttribute: "name" },
  aws_cloudfront_distribution: { what: "distribution" },
};

export const monitoringAlarms: Rule = {
  id: "MON-1",
  severity: "error",
  title: "Once an environment has alarms, every function, API, table and distribution has one, and every alarm has actions",
  controls: {},
  fix: "Add the resource's alarms to the monitoring construct (issue 6) with its name or id in the alarm dimensions, and alarm_actions pointing at the environment's SNS topic.",
  check: (context) => {
    const { stack, env } = context;
    if (!env) return notApplicable("stack belongs to no environment");
    const alarms = environmentAlarms(context);
    if (alarms.length === 0) {
      return skipped(`no ${ALARM} in environment ${env.name} yet (monitoring not built); this becomes an error once one exists`);
    }
    const monitored = stack.resources.filter((r) => MONITORED[r.type] !== undefined);
    const ownAlarms = stack.resourcesOfType(ALARM);
    if (monitored.length === 0 && ownAlarms.length === 0) return notApplicable("no functions, APIs, tables, distributions or alarms in this stack");

    const covered = coverage(context, alarms);
    const findings: Finding[] = [];
    for (const resource of monitored) {
      const name = literalString(resource.config[MONITORED[resource.type].nameAttribute ?? ""]);
      if (covered.resources.has(key(stack, resource)) || (name !== undefined && covered.literals.has(name))) continue;
      findings.push({
        resource: resource.address,
        message: `${MONITORED[resource.type].what} ${name ?? resource.address} is in no alarm's dimensions (environment ${env.name} has ${alarms.length} alarm${alarms.length === 1 ? "" : "s"})`,
      });
    }
    for (const alarm of ownAlarms) {
      if (asStrings(alarm.config.alarm_actions).length === 0) {
        findings.push({ resource: alarm.address, message: `alarm ${literalString(alarm.config.alarm_name) ?? alarm.address} has no alarm_actions, so it notifies nobody` });
      }
    }
    return checked(monitored.length + ownAlarms.length, findings);
  },
};

export const MONITORING_RULES: readonly Rule[] = [monitoringAlarms];

interface Alarm {
  readonly stack: SynthesizedStack;
  readonly resource: TfResource;
}

function environmentAlarms({ workspace, env, environmentOf }: RuleContext): Alarm[] {
  return workspace.stacks
    .filter((s) => environmentOf(s)?.name === env?.name)
    .flatMap((s) => s.resourcesOfType(ALARM).map((resource) => ({ stack: s, resource })));
}

/** Dimension values of an alarm: its own `dimensions` and those of every metric in `metric_query`. */
function dimensionValues(alarm: TfResource): unknown[] {
  const own = asBlock(alarm.config.dimensions);
  const queries = asBlocks(alarm.config.metric_query).map((q) => asBlock(asBlock(q.metric)?.dimensions));
  return [own, ...queries].flatMap((dims) => Object.values(dims ?? {}));
}

/** What the alarms of the environment name: resources (followed across stacks) and literal names. */
function coverage({ workspace }: RuleContext, alarms: readonly Alarm[]) {
  const resources = new Set<string>();
  const literals = new Set<string>();
  for (const alarm of alarms) {
    for (const value of dimensionValues(alarm.resource)) {
      for (const text of stringsIn(value)) {
        // `<function>:<alias>` (the Resource dimension) also names the function.
        if (literalString(text) !== undefined) literals.add(text).add(text.split(":")[0]);
      }
      for (const target of workspace.targets(alarm.stack, value)) {
        resources.add(key(target.stack, target.resource));
        // An alarm on `<function>:<alias>` names the function through its alias.
        if (target.resource.type === "aws_lambda_alias") {
          for (const fn of workspace.targets(target.stack, target.resource.config.function_name)) resources.add(key(fn.stack, fn.resource));
        }
      }
    }
  }
  return { resources, literals };
}

function key(stack: SynthesizedStack, resource: TfResource): string {
  return `${stack.id}\u0000${resource.address}`;
}
