/**
 * Monitoring: every function, API, table and distribution of an environment appears in the
 * dimensions of at least one alarm that notifies someone, and every alarm notifies. The
 * monitoring constructs (modules/monitoring) create these alarms for every environment, so an
 * environment stack without them fails: there is no "not built yet" state any more.
 */
import type { EnvironmentConfig } from "../../../environments/schema";
import { alarmNamePrefix, CLOUDFRONT_METRICS_REGION, LIVE_ALIAS } from "../../../lib/naming";
import { literalString, stringsIn } from "../expressions";
import { asBlock, asBlocks, asBool, asStrings, type SynthesizedStack, type TfResource } from "../model";
import { checked, notApplicable, type Finding, type Rule, type RuleContext } from "../rule";

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
  title: "Every function, API, table and distribution is in the dimensions of an alarm with alarm_actions, and every alarm has actions enabled",
  controls: { checkov: ["CKV_AWS_319"] },
  fix: "Add the resource's alarms with the monitoring constructs (modules/monitoring, wired in AppStack and DistributionStack), with its name or id in the alarm dimensions and alarm_actions pointing at the environment's alarm topic.",
  check: (context) => {
    const { stack, env } = context;
    if (!env) return notApplicable("stack belongs to no environment");
    const monitored = stack.resources.filter((r) => MONITORED[r.type] !== undefined);
    const ownAlarms = stack.resourcesOfType(ALARM);
    if (monitored.length === 0 && ownAlarms.length === 0) return notApplicable("no functions, APIs, tables, distributions or alarms in this stack");

    const alarms = environmentAlarms(context, env);
    const notifying = coverage(context, alarms.filter((a) => notifies(a.resource)));
    // Checked after `notifying`, so a resource it covers is in the dimensions of silent alarms only.
    const any = coverage(context, alarms);
    const findings: Finding[] = [];
    for (const resource of monitored) {
      const { what, nameAttribute } = MONITORED[resource.type];
      // Stryker disable next-line StringLiteral: equivalent, no resource has an attribute named "" or "Stryker was here!": both read undefined
      const name = literalString(resource.config[nameAttribute ?? ""]);
      if (covers(notifying, stack, resource, name)) continue;
      if (covers(any, stack, resource, name)) {
        findings.push({ resource: resource.address, message: `${what} ${name ?? resource.address} is only in the dimensions of alarms that notify nobody` });
        continue;
      }
      findings.push({
        resource: resource.address,
        message: `${what} ${name ?? resource.address} is in no alarm's dimensions (environment ${env.name} has ${alarms.length} alarm${alarms.length === 1 ? "" : "s"})`,
        ...(alarms.length === 0
          ? { fix: `Environment ${env.name} has no alarms at all: create them with the monitoring constructs (modules/monitoring) as AppStack and DistributionStack do, named ${alarmNamePrefix(env)}…, so the release canary watches them.` }
          : {}),
      });
    }
    for (const alarm of ownAlarms) {
      const problem = silence(alarm);
      if (problem) findings.push({ resource: alarm.address, message: `alarm ${literalString(alarm.config.alarm_name) ?? alarm.address} ${problem}, so it notifies nobody` });
    }
    return checked(monitored.length + ownAlarms.length, findings);
  },
};

export const canaryAlarmsPerFunction: Rule = {
  id: "REL-5",
  severity: "error",
  title: `Every released function (one with a "${LIVE_ALIAS}" alias) has an alarm on its Errors that the release canary watches: named with the environment's alarm prefix, in the environment's region or ${CLOUDFRONT_METRICS_REGION}, actions enabled`,
  controls: {},
  fix: "Create the function's alarms with LambdaFunctionAlarms (modules/monitoring) and lib/naming's alarmName, as AppStack does for the SSR function: the canary lists alarms by that prefix and returns the traffic when one is in ALARM.",
  check: (context) => {
    const { stack, env } = context;
    if (!env) return notApplicable("stack belongs to no environment (the canary releases environments)");
    const released = stack.resourcesOfType("aws_lambda_alias").filter((a) => a.config.name === LIVE_ALIAS);
    if (released.length === 0) return notApplicable(`no "${LIVE_ALIAS}" aliases in this stack`);
    const prefix = alarmNamePrefix(env);
    const regions: ReadonlySet<string | undefined> = new Set([env.account.region, CLOUDFRONT_METRICS_REGION]);
    const watched = environmentAlarms(context, env).filter(({ stack: owner, resource }) => {
      const name = literalString(resource.config.alarm_name);
      // An alarm whose provider has no literal region is not known to be where the canary looks.
      const region = owner.providerOf(resource)?.region;
      return name?.startsWith(prefix) === true && regions.has(region) && notifies(resource);
    });
    const onErrors = coverage(context, watched.filter((a) => watchesErrors(a.resource)));
    const functions = released.flatMap((alias) => context.workspace.targets(stack, alias.config.function_name).filter((t) => t.resource.type === "aws_lambda_function"));
    return checked(
      released.length,
      functions.flatMap(({ stack: owner, resource }): Finding[] => {
        const name = literalString(resource.config.function_name);
        if (covers(onErrors, owner, resource, name)) return [];
        return [
          {
            resource: resource.address,
            message: `function ${name ?? resource.address} is released through "${LIVE_ALIAS}" but no alarm on its Errors is named ${prefix}… in ${[...regions].join(" or ")} with actions enabled, so a canary would not notice it failing`,
          },
        ];
      }),
    );
  },
};

/** An alarm on AWS/Lambda Errors, alone or inside metric math. */
function watchesErrors(alarm: TfResource): boolean {
  const metrics = [alarm.config, ...asBlocks(alarm.config.metric_query).map((q) => asBlock(q.metric) ?? {})];
  return metrics.some((m) => m.metric_name === "Errors" && m.namespace === "AWS/Lambda");
}

export const MONITORING_RULES: readonly Rule[] = [monitoringAlarms, canaryAlarmsPerFunction];

interface Alarm {
  readonly stack: SynthesizedStack;
  readonly resource: TfResource;
}

function environmentAlarms({ workspace, environmentOf }: RuleContext, env: EnvironmentConfig): Alarm[] {
  return workspace.stacks
    .filter((s) => environmentOf(s)?.name === env.name)
    .flatMap((s) => s.resourcesOfType(ALARM).map((resource) => ({ stack: s, resource })));
}

/** Dimension values of an alarm: its own `dimensions` and those of every metric in `metric_query`. */
function dimensionValues(alarm: TfResource): unknown[] {
  const own = asBlock(alarm.config.dimensions);
  const queries = asBlocks(alarm.config.metric_query).map((q) => asBlock(asBlock(q.metric)?.dimensions));
  return [own, ...queries].flatMap((dims) => Object.values(dims ?? {}));
}

/** Why an alarm notifies nobody: no alarm_actions, or actions switched off. */
function silence(alarm: TfResource): string | undefined {
  if (asStrings(alarm.config.alarm_actions).filter((a) => a !== "").length === 0) return "has no alarm_actions";
  if (asBool(alarm.config.actions_enabled) === false) return "has actions_enabled false";
  return undefined;
}

function notifies(alarm: TfResource): boolean {
  return silence(alarm) === undefined;
}

function covers(coverage: Coverage, stack: SynthesizedStack, resource: TfResource, name: string | undefined): boolean {
  return coverage.resources.has(key(stack, resource)) || coverage.literals.has(name);
}

interface Coverage {
  readonly resources: ReadonlySet<string>;
  /** Literal names; never undefined, so a resource without a literal name is not covered by one. */
  readonly literals: ReadonlySet<string | undefined>;
}

/** What the alarms of the environment name: resources (followed across stacks) and literal names. */
function coverage({ workspace }: RuleContext, alarms: readonly Alarm[]): Coverage {
  const resources = new Set<string>();
  const literals = new Set<string | undefined>();
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
