/**
 * ARNs as IAM policies and Lambda permissions spell them, possibly with wildcards (`*`, `?`)
 * and Terraform interpolations. An interpolation counts as a concrete value: it names a
 * resource, an attribute or a data source, never "anything".
 */
import { maskInterpolations } from "./expressions";

/** Stands in for an interpolation: neither a wildcard nor an ARN separator. */
const REFERENCE = "<ref>";

export interface Arn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  /** Everything after the account: `bucket/key`, `table/name/index/x`, `distribution/E123`. */
  readonly resource: string;
}

/** The parts of an ARN (interpolations masked), or undefined when the text is not one. */
export function parseArn(text: string): Arn | undefined {
  const parts = maskInterpolations(text, REFERENCE).split(":");
  if (parts.length < 6 || parts[0] !== "arn") return undefined;
  const [, partition, service, region, account, ...resource] = parts;
  return { partition, service, region, account, resource: resource.join(":") };
}

/** True when the text (interpolations masked) is a wildcard or begins with one. */
export function startsWithWildcard(text: string): boolean {
  return /^[*?]/.test(maskInterpolations(text, REFERENCE));
}

export function hasWildcard(text: string): boolean {
  return /[*?]/.test(maskInterpolations(text, REFERENCE));
}

/** Whether an IAM-style pattern (`*`, `?`, case-insensitive) matches a plain value. */
export function globMatches(pattern: string, value: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${source}$`, "i").test(value);
}
