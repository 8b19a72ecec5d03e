/**
 * Who is releasing: read from the CI system's variables, falling back to the OS user. Pure
 * over the `vars` passed in (process.env by default, read when called). The commit and the
 * CI run link come from scripts/shared/git.ts and scripts/shared/ci.ts.
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

export function actorFromEnvironment(vars: Vars = process.env): string {
  for (const name of ACTOR_VARIABLES) {
    const value = vars[name]?.trim();
    if (value) return value;
  }
  const user = vars.USER ?? vars.USERNAME ?? safeOsUser();
  return user ? `${user}@${os.hostname()}` : "unknown";
}

function safeOsUser(): string | undefined {
  try {
    return os.userInfo().username;
  } catch {
    return undefined;
  }
}
