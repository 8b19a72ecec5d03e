/**
 * npm run notify -- --status failure|success|rollback --env <env> [options] (flags: --help)
 *
 * Posts a deployment notice to Slack through the incoming webhook in SLACK_WEBHOOK_URL,
 * with the CI run's details from GitHub Actions' standard variables. Exit 0 when posted
 * (or skipped with --optional and no webhook), 1 when it could not be posted, 2 on usage
 * errors. The webhook URL is a secret: it is never printed, not even in errors.
 */
import { errorMessage, UserError } from "../../lib/errors";
import { defineCli, environmentFlag, oneOf, printJson, runCli, say, USAGE_ERROR, wholeNumber, type FlagValues } from "../shared/cli";
import { readCiContext } from "./ci-context";
import { buildSlackMessage, NOTIFY_STATUSES } from "./message";
import { postToWebhook, scrubSecret } from "./post";

export const NOTIFY_CLI = defineCli({
  command: "npm run notify --",
  purpose:
    "Posts a deployment notice to Slack through the incoming webhook in SLACK_WEBHOOK_URL, with the CI run's " +
    "details from GitHub Actions' standard variables. The webhook URL is a secret: it is never printed, not even in errors.",
  flags: {
    status: { value: `<${NOTIFY_STATUSES.join("|")}>`, help: "what happened", parse: oneOf(NOTIFY_STATUSES), required: true },
    env: environmentFlag("environment the notice is about"),
    step: { value: "<name>", help: "the step that failed or ran, e.g. \"cdktf deploy\"" },
    message: { value: "<text>", help: "a line of detail under the headline" },
    headline: { value: "<text>", help: "headline instead of the one the status gives (notices that are not about a deployment)" },
    optional: { help: "exit 0 with a warning when SLACK_WEBHOOK_URL is not set" },
    json: { help: "print the outcome as one JSON object on stdout" },
    "timeout-seconds": { value: "<n>", help: "time limit of each attempt", parse: wholeNumber({ min: 1, max: 600 }), default: "30" },
    "max-attempts": { value: "<n>", help: "attempts in all (429 and 5xx are retried with backoff)", parse: wholeNumber({ min: 1, max: 20 }), default: "5" },
  },
  examples: [
    'npm run notify -- --status failure --env staging --step "cdktf deploy"',
    'npm run notify -- --status rollback --env prod --message "rolled back to 9f2e1aa" --optional',
  ],
  exitCodes: { 0: "posted, or skipped with --optional and no webhook", 1: "not posted (SLACK_WEBHOOK_URL missing or invalid, Slack refused or unreachable)", 2: USAGE_ERROR },
  environment: {
    SLACK_WEBHOOK_URL: "the Slack incoming-webhook URL (a secret; https, or http on loopback)",
    "GITHUB_*": "the run's repository, commit, actor, workflow and job for the notice",
  },
});

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

export function main(argv: readonly string[], variables: NodeJS.ProcessEnv = process.env): Promise<number> {
  return NOTIFY_CLI.run(argv, (flags) => notify(flags, variables));
}

async function notify(flags: FlagValues<typeof NOTIFY_CLI.spec.flags>, variables: NodeJS.ProcessEnv): Promise<number> {
  const { status, env } = flags;
  const result = { status, env: env.name };

  const webhookUrl = variables.SLACK_WEBHOOK_URL?.trim();
  if (!webhookUrl) {
    if (!flags.optional) {
      throw new UserError(
        "SLACK_WEBHOOK_URL is not set: store the Slack incoming-webhook URL as a CI secret and expose it to this step, or pass --optional to skip the notice",
      );
    }
    say(`warning: SLACK_WEBHOOK_URL is not set; skipping the ${status} notice for ${env.name} (--optional)`);
    if (flags.json) printJson({ ...result, delivered: false, skipped: "SLACK_WEBHOOK_URL is not set" });
    return 0;
  }
  checkWebhookUrl(webhookUrl);

  const message = buildSlackMessage({
    status,
    environment: env.name,
    project: env.project,
    step: flags.step,
    message: flags.message,
    headline: flags.headline,
    ci: readCiContext(variables),
  });
  let outcome;
  try {
    outcome = await postToWebhook(webhookUrl, message, {
      timeoutMs: flags["timeout-seconds"] * 1000,
      maxAttempts: flags["max-attempts"],
      onRetry: ({ attempt, delayMs, reason }) =>
        say(`${reason}; retrying in ${(delayMs / 1000).toFixed(1)} s (attempt ${attempt + 1} of ${flags["max-attempts"]})`),
    });
  } catch (error) {
    // Not expected (postToWebhook reports failures as values), but neither the message nor
    // the stack DEBUG=1 shows may leak the URL.
    const scrubbed = new Error(scrubSecret(errorMessage(error), webhookUrl));
    if (error instanceof Error && error.stack) scrubbed.stack = scrubSecret(error.stack, webhookUrl);
    throw scrubbed;
  }

  if (outcome.delivered) {
    say(`posted the ${status} notice for ${env.name} to Slack (${plural(outcome.attempts, "attempt")})`);
    if (flags.json) printJson({ ...result, delivered: true, attempts: outcome.attempts });
    return 0;
  }
  say(`error: could not post the ${status} notice for ${env.name} to Slack: ${outcome.reason}`);
  if (flags.json) printJson({ ...result, delivered: false, attempts: outcome.attempts, reason: outcome.reason });
  return 1;
}

/**
 * https only, so the secret never crosses the network in clear text; plain http is
 * accepted for loopback addresses (local tests and relays). The value is never echoed.
 */
function checkWebhookUrl(value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UserError("SLACK_WEBHOOK_URL is not a valid URL (value not shown: it is a secret)");
  }
  const loopbackHttp = url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== "https:" && !loopbackHttp) {
    throw new UserError(
      `SLACK_WEBHOOK_URL must be an https:// URL (got a ${url.protocol} URL; plain http is only accepted for 127.0.0.1 and localhost)`,
    );
  }
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

if (require.main === module) runCli((argv) => main(argv));
