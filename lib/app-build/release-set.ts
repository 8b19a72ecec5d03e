/**
 * The functions one release moves for an environment: every function traffic reaches
 * through its `live` alias (HTTP origins and queue consumers), with its physical name from
 * lib/naming.ts. The release tools call this; the stacks create the same names.
 */
import type { NamingInput } from "../naming";
import { functionName } from "../naming";
import { releasedFunctions, type AppBuildDescription } from "./description";

export interface ReleaseFunction {
  /** `server`, `image`, `revalidation`, …; the server comes first. */
  readonly id: string;
  readonly functionName: string;
}

export function releaseFunctionSet(env: NamingInput, description: AppBuildDescription): ReleaseFunction[] {
  return releasedFunctions(description).map((fn) => ({ id: fn.id, functionName: functionName(env, fn.id) }));
}
