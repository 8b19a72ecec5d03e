/** Shared lookups for the monitoring tests: environments, synthesized alarms by name. */
import { findEnvironment, loadEnvironments } from "../../../environments";
import type { EnvironmentConfig } from "../../../environments/schema";
import { resourcesOfType, type StackJson } from "../../support/synth";

export const environments = loadEnvironments();
export const environment = (name: string): EnvironmentConfig => findEnvironment(name, environments);

/** A copy of an environment with some alarm thresholds changed. */
export function withAlarms(env: EnvironmentConfig, alarms: Partial<EnvironmentConfig["alarms"]>): EnvironmentConfig {
  return { ...env, alarms: { ...env.alarms, ...alarms } };
}

export const alarmsOf = (stack: StackJson): StackJson[] => resourcesOfType(stack, "aws_cloudwatch_metric_alarm");

export function alarmNamed(stack: StackJson, name: string): StackJson {
  const alarm = alarmsOf(stack).find((a) => a.alarm_name === name);
  if (!alarm) throw new Error(`no alarm named ${name}; have ${alarmsOf(stack).map((a) => a.alarm_name).join(", ")}`);
  return alarm;
}

/** The metric inside a metric-math alarm with the given query id. */
export function queryMetric(alarm: StackJson, id: string): StackJson {
  const query = (alarm.metric_query as StackJson[]).find((q) => q.id === id);
  if (!query) throw new Error(`no metric_query ${id} in ${alarm.alarm_name}`);
  return query.metric;
}

export function expressionOf(alarm: StackJson): string {
  return (alarm.metric_query as StackJson[]).find((q) => q.return_data === true)?.expression;
}
