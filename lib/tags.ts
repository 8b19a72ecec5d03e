/**
 * The standard tags every taggable resource carries (through the provider's default_tags).
 * The policy check reads the same list, so the two cannot drift apart.
 */
import type { EnvironmentConfig } from "../environments/schema";

export const STANDARD_TAG_KEYS = ["Project", "Environment", "ManagedBy"] as const;
/** The tag naming the stack a resource belongs to, beside the standard ones. */
export const STACK_TAG_KEY = "Stack";
/** Every tag key the workspace sets itself; an environment's `tags` cannot set them. */
export const WORKSPACE_TAG_KEYS = [...STANDARD_TAG_KEYS, STACK_TAG_KEY] as const;

export function standardTags(
  env: Pick<EnvironmentConfig, "name" | "project" | "tags">,
  stackKind?: string,
): Record<string, string> {
  return {
    ...env.tags,
    Project: env.project,
    Environment: env.name,
    ManagedBy: "cdktf",
    ...(stackKind ? { [STACK_TAG_KEY]: stackKind } : {}),
  };
}
