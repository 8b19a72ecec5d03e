import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../environments/schema";
import { AppStack, type AppStackOptions } from "./app-stack";
import { CertificatesStack } from "./certificates-stack";
import { DistributionStack } from "./distribution-stack";

export interface EnvironmentStacks {
  readonly certificates: CertificatesStack;
  readonly app: AppStack;
  readonly distribution: DistributionStack;
}

/** The three stacks of one environment, wired so values flow certificates/app -> distribution. */
export function createEnvironmentStacks(
  scope: Construct,
  env: EnvironmentConfig,
  options: AppStackOptions,
): EnvironmentStacks {
  const certificates = new CertificatesStack(scope, env);
  const app = new AppStack(scope, env, options);
  const distribution = new DistributionStack(scope, env, { certificates, app });
  return { certificates, app, distribution };
}
