/**
 * What CI needs to know about the environments, from their config: the pipeline view that
 * `npm run environments -- --json` prints and the workflows read into their job matrices.
 */
import { githubEnvironments } from "../../environments/rules/cross-environment";
import type { EnvironmentConfig } from "../../environments/schema";

export interface PipelineEnvironment {
  readonly name: string;
  readonly project: string;
  readonly account: string;
  readonly region: string;
  readonly protected: boolean;
  readonly wave: number;
  /** Runs the E2E suite after its release; later waves wait for it. */
  readonly e2e: boolean;
  readonly rollbackOnFailure: boolean;
  readonly canary: { readonly percent: number; readonly steps: number; readonly stepMinutes: number } | null;
  /** GitHub environment of its deploy job (required reviewers for protected environments). */
  readonly githubEnvironment: string;
  /** GitHub environment of its Rollback workflow job. */
  readonly rollbackGithubEnvironment: string;
  /** Repository variable holding its deploy role's ARN. */
  readonly roleVariable: string;
  /** Repository variable holding its read-only plan role's ARN. */
  readonly planRoleVariable: string;
  /** The site: https:// and its first domain name. */
  readonly url: string;
  /** Environments of later waves, which a failure here keeps this run from deploying. */
  readonly blocks: readonly string[];
}

export interface PipelineView {
  /** Every environment, in pipeline order (by wave, then name). */
  readonly environments: readonly PipelineEnvironment[];
  /** The waves in order, each with its environments. */
  readonly waves: readonly { readonly wave: number; readonly environments: readonly PipelineEnvironment[] }[];
  readonly waveCount: number;
}

/** `AWS_ROLE_ARN_DEV`, `AWS_PLAN_ROLE_ARN_DEV_EU`: GitHub variable names allow only letters, digits and `_`. */
export function roleVariable(kind: "deploy" | "plan", envName: string): string {
  return `AWS_${kind === "plan" ? "PLAN_" : ""}ROLE_ARN_${envName.toUpperCase().replace(/-/g, "_")}`;
}

/** The pipeline view of validated environments (given in pipeline order, as the loader returns them). */
export function describePipeline(environments: readonly EnvironmentConfig[]): PipelineView {
  const views = environments.map((env): PipelineEnvironment => {
    const github = githubEnvironments(env);
    return {
      name: env.name,
      project: env.project,
      account: env.account.id,
      region: env.account.region,
      protected: env.protected,
      wave: env.deploy.wave,
      e2e: env.deploy.e2e,
      rollbackOnFailure: env.deploy.rollbackOnFailure,
      canary: env.deploy.canary ?? null,
      githubEnvironment: github.deploy,
      rollbackGithubEnvironment: github.rollback,
      roleVariable: roleVariable("deploy", env.name),
      planRoleVariable: roleVariable("plan", env.name),
      url: `https://${env.dns.domainNames[0]}`,
      blocks: environments.filter((other) => other.deploy.wave > env.deploy.wave).map((other) => other.name),
    };
  });
  const waveNumbers = [...new Set(views.map((v) => v.wave))].sort((a, b) => a - b);
  const waves = waveNumbers.map((wave) => ({ wave, environments: views.filter((v) => v.wave === wave) }));
  return { environments: views, waves, waveCount: waves.length };
}

/** A table for people: one row per environment, in pipeline order. */
export function renderPipeline(view: PipelineView): string {
  const header = ["wave", "environment", "account", "region", "protected", "after release", "GitHub environment (rollback)"];
  const rows = view.environments.map((env) => [
    String(env.wave),
    env.name,
    env.account,
    env.region,
    env.protected ? "yes" : "no",
    afterRelease(env),
    env.githubEnvironment === env.rollbackGithubEnvironment
      ? env.githubEnvironment
      : `${env.githubEnvironment} (${env.rollbackGithubEnvironment})`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

function afterRelease(env: PipelineEnvironment): string {
  const parts = [
    env.canary ? `canary ${env.canary.percent}% × ${env.canary.steps} × ${env.canary.stepMinutes} min` : undefined,
    env.e2e ? (env.blocks.length > 0 ? "E2E gate" : "E2E") : undefined,
    env.rollbackOnFailure ? "rollback on failure" : undefined,
  ].filter((part) => part !== undefined);
  return parts.length === 0 ? "-" : parts.join(", ");
}
