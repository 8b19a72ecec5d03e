/**
 * The canary refuses to shift a function no alarm watches. Here, against the stacks' real
 * output for an OpenNext build: every function `release` moves has an alarm the canary finds
 * (named with the environment's prefix, on the function's FunctionName dimension), so a prod
 * canary of such a build is not refused for want of alarms.
 */
import { findEnvironment, loadEnvironments } from "../../../environments";
import { describeAppBuild } from "../../../lib/app-build/load";
import { releaseFunctionSet } from "../../../lib/app-build/release-set";
import { alarmNamePrefix } from "../../../lib/naming";
import { unwatchedFunctions } from "../../../scripts/release/plan";
import { tempDir, writeOpenNextBuild } from "../../support/app-builds";
import { resourcesOfType, synthesizeApp, type StackJson } from "../../support/synth";

const dev = findEnvironment("dev", loadEnvironments());
const build = describeAppBuild(writeOpenNextBuild(tempDir()), "test");
const app = synthesizeApp([dev], build).stacks["dev-app"]!;

/** `${aws_lambda_function.<key>.function_name}` → the name it resolves to at apply time. */
const functionNames = new Map(
  Object.entries(app.resource?.aws_lambda_function ?? {}).map(([key, fn]) => [`\${aws_lambda_function.${key}.function_name}`, (fn as StackJson).function_name as string]),
);

/** The alarms as the canary reads them (DescribeAlarms): name and the functions their metrics measure. */
const alarms = resourcesOfType(app, "aws_cloudwatch_metric_alarm")
  .filter((alarm) => String(alarm.alarm_name).startsWith(alarmNamePrefix(dev)))
  .map((alarm) => {
    const dimensions = [alarm.dimensions ?? {}, ...((alarm.metric_query ?? []) as StackJson[]).map((q) => q.metric?.dimensions ?? {})];
    const named = dimensions.flatMap((d: Record<string, string>) => (d.FunctionName ? [functionNames.get(d.FunctionName) ?? d.FunctionName] : []));
    return { name: alarm.alarm_name as string, functionNames: named };
  });

describe("the alarms the stacks create for an OpenNext build", () => {
  it("cover every function a release moves (server, image optimizer, revalidation)", () => {
    const functions = releaseFunctionSet(dev, build).map((fn) => ({ ...fn, alias: "live" }));
    expect([functions.map((fn) => fn.id), unwatchedFunctions(functions, alarms)]).toEqual([["server", "image", "revalidation"], []]);
  });
});
