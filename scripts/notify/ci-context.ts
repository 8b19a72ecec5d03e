/**
 * Where a notice comes from: the GitHub Actions run, read from the standard variables every
 * job has (https://docs.github.com/actions/reference/variables-reference). Outside Actions
 * every field is simply absent and the message says less; nothing here fails.
 */
import { readFileSync } from "node:fs";
import { ciRunUrl } from "../shared/ci";

export interface CiContext {
  /** `owner/name`. */
  readonly repository?: string;
  readonly sha?: string;
  /**
   * The commit's author, shown as "Author": from the event payload (GITHUB_EVENT_PATH) of a
   * push (`head_commit.author`: GitHub username, else name) or a pull request (its author's
   * login); otherwise, e.g. for a manual or scheduled run, who triggered the run (GITHUB_ACTOR).
   */
  readonly actor?: string;
  /** Who triggered the run (GITHUB_ACTOR), who may not be the commit's author. */
  readonly triggeredBy?: string;
  readonly workflow?: string;
  /** The job id within the workflow (GITHUB_JOB). */
  readonly job?: string;
  readonly refName?: string;
  /** The run's link (scripts/shared/ci.ts `ciRunUrl`), when the variables say where it is. */
  readonly runUrl?: string;
  /** `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/commit/${GITHUB_SHA}`, when all three are set. */
  readonly commitUrl?: string;
}

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Reads the run's context from environment variables (pass `process.env`) and the event
 * payload file GITHUB_EVENT_PATH names (read with `readFile`; unreadable means absent).
 */
export function readCiContext(variables: Environment, readFile: (path: string) => string = (path) => readFileSync(path, "utf8")): CiContext {
  const get = (name: string) => {
    const value = variables[name]?.trim();
    return value ? value : undefined;
  };
  const serverUrl = get("GITHUB_SERVER_URL")?.replace(/\/+$/, "");
  const repository = get("GITHUB_REPOSITORY");
  const sha = get("GITHUB_SHA");
  const base = serverUrl && repository ? `${serverUrl}/${repository}` : undefined;
  return {
    repository,
    sha,
    actor: commitAuthor(get("GITHUB_EVENT_PATH"), readFile) ?? get("GITHUB_ACTOR"),
    triggeredBy: get("GITHUB_ACTOR"),
    workflow: get("GITHUB_WORKFLOW"),
    job: get("GITHUB_JOB"),
    refName: get("GITHUB_REF_NAME"),
    runUrl: ciRunUrl(variables),
    commitUrl: base && sha ? `${base}/commit/${sha}` : undefined,
  };
}

/** The author of the commit (push) or pull request the event is about, or undefined. */
export function commitAuthor(eventPath: string | undefined, readFile: (path: string) => string): string | undefined {
  if (!eventPath) return undefined;
  let event: unknown;
  try {
    event = JSON.parse(readFile(eventPath));
  } catch {
    return undefined;
  }
  const at = (value: unknown, ...keys: string[]): string | undefined => {
    let current = value;
    for (const key of keys) {
      if (typeof current !== "object" || current === null) return undefined;
      current = (current as Record<string, unknown>)[key];
    }
    return typeof current === "string" && current.trim() ? current.trim() : undefined;
  };
  return at(event, "pull_request", "user", "login") ?? at(event, "head_commit", "author", "username") ?? at(event, "head_commit", "author", "name");
}
