/**
 * Who is releasing, from which commit and CI run: read from the CI system's variables,
 * falling back to the OS user. Pure over the `vars` passed in (process.env by default,
 * read when called).
 */
import os from "node:os";

type Vars = Readonly<Record<string, string | undefined>>;

/** CI variables naming the person or bot that started the run, most specific first. */
const ACTOR_VARIABLES = [
  "RELEASE_ACTOR",
  "GITHUB_ACTOR",
  "GITLAB_USER_LOGIN",
  "BUILDKITE_BUILD_CREATOR_EMAIL",
  "BUILDKITE_BUILD_CREATOR",
  "CIRCLE_USERNAME",
  "BITBUCKET_STEP_TRIGGERER_UUID",
  "BUILD_REQUESTEDFOREMAIL",
  "BUILD_REQUESTEDFOR",
  "JENKINS_USER_ID",
] as const;

const SHA_VARIABLES = [
  "GITHUB_SHA",
  "CI_COMMIT_SHA",
  "BUILDKITE_COMMIT",
  "CIRCLE_SHA1",
  "BITBUCKET_COMMIT",
  "BUILD_SOURCEVERSION",
  "GIT_COMMIT",
] as const;

export function actorFromEnvironment(vars: Vars = process.env): string {
  for (const name of ACTOR_VARIABLES) {
    const value = vars[name]?.trim();
    if (value) return value;
  }
  const user = vars.USER ?? vars.USERNAME ?? safeOsUser();
  return user ? `${user}@${os.hostname()}` : "unknown";
}

export function gitShaFromEnvironment(vars: Vars = process.env): string | null {
  for (const name of SHA_VARIABLES) {
    const value = vars[name]?.trim();
    if (value) return value;
  }
  return null;
}

/** A link to the CI run, when the CI system says where it is. */
export function runUrlFromEnvironment(vars: Vars = process.env): string | null {
  if (vars.GITHUB_RUN_ID && vars.GITHUB_REPOSITORY) {
    return `${vars.GITHUB_SERVER_URL ?? "https://github.com"}/${vars.GITHUB_REPOSITORY}/actions/runs/${vars.GITHUB_RUN_ID}`;
  }
  return vars.CI_JOB_URL ?? vars.BUILDKITE_BUILD_URL ?? vars.CIRCLE_BUILD_URL ?? vars.BUILD_URL ?? null;
}

function safeOsUser(): string | undefined {
  try {
    return os.userInfo().username;
  } catch {
    return undefined;
  }
}
