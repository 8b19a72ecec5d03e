/**
 * The standard tags every taggable resource carries (through the provider's default_tags).
 * The policy check reads the same list, so the two cannot drift apart.
 */
import type { EnvironmentConfig } from "../environments/schema";

export const STANDARD_TAG_KEYS = ["Project", "Environment", "ManagedBy"] as const;

export function standardTags(
  env: Pick<EnvironmentConfig, "name" | "project" | "tags">,
  stackKind?: string,
): Record<string, string> {
  return {
    ...env.tags,
    Project: env.project,
    Environment: env.name,
    ManagedBy: "cdktf",
    ...(stackKind ? { Stack: stackKind } : {}),
  };
}
