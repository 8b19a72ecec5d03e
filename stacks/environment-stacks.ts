import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../environments/schema";
import { AppStack, type AppStackOptions } from "./app-stack";
import { DistributionStack } from "./distribution-stack";
import { DnsStack } from "./dns-stack";

export interface EnvironmentStacks {
  readonly dns: DnsStack;
  readonly app: AppStack;
  readonly distribution: DistributionStack;
}

/** The three stacks of one environment, wired so values flow dns/app -> distribution. */
export function createEnvironmentStacks(
  scope: Construct,
  env: EnvironmentConfig,
  options: AppStackOptions,
): EnvironmentStacks {
  const dns = new DnsStack(scope, env);
  const app = new AppStack(scope, env, options);
  const distribution = new DistributionStack(scope, env, { dns, app });
  return { dns, app, distribution };
}
