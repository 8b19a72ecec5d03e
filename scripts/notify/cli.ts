/**
 * npm run notify -- --status failure|success|rollback --env <env> [--step <name>] [--message <text>]
 *                   [--headline <text>] [--optional] [--json] [--timeout-seconds <n>] [--max-attempts <n>]
 *
 * Posts a deployment notice to Slack through the incoming webhook in SLACK_WEBHOOK_URL,
 * with the CI run's details from GitHub Actions' standard variables. Exit 0 when posted
 * (or skipped with --optional and no webhook), 1 when it could not be posted, 2 on usage
 * errors. The webhook URL is a secret: it is never printed, not even in errors.
 */
import { errorMessage, UserError } from "../../lib/errors";
import { environmentByName, integerFlag, parseCliArgs, printJson, requireFlag, runCli, say } from "../shared/cli";
import { readCiContext } from "./ci-context";
import { buildSlackMessage, NOTIFY_STATUSES, type NotifyStatus } from "./message";
import { postToWebhook, scrubSecret } from "./post";

const USAGE = `usage: npm run notify -- --status ${NOTIFY_STATUSES.join("|")} --env <env> [--step <name>] [--message <text>]
                         [--headline <text>] [--optional] [--json] [--timeout-seconds <n>] [--max-attempts <n>]
  The Slack incoming-webhook URL is read from SLACK_WEBHOOK_URL.`;

const OPTIONS = {
  status: { type: "string" },
  env: { type: "string" },
  step: { type: "string" },
  message: { type: "string" },
  headline: { type: "string" },
  help: { type: "boolean", default: false },
  optional: { type: "boolean", default: false },
  json: { type: "boolean", default: false },
  "timeout-seconds": { type: "string" },
  "max-attempts": { type: "string" },
} as const;

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

export async function main(argv: readonly string[], variables: NodeJS.ProcessEnv = process.env): Promise<number> {
  const flags = parseCliArgs(argv, OPTIONS, USAGE);
  if (flags.help) {
    say(USAGE);
    return 0;
  }
  const status = parseStatus(requireFlag(flags.status, "--status", USAGE));
  const env = environmentByName(requireFlag(flags.env, "--env", USAGE));
  const timeoutSeconds = integerFlag(flags["timeout-seconds"], "--timeout-seconds", { min: 1, max: 600, default: 30 });
  const maxAttempts = integerFlag(flags["max-attempts"], "--max-attempts", { min: 1, max: 20, default: 5 });
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
      timeoutMs: timeoutSeconds * 1000,
      maxAttempts,
      onRetry: ({ attempt, delayMs, reason }) =>
        say(`${reason}; retrying in ${(delayMs / 1000).toFixed(1)} s (attempt ${attempt + 1} of ${maxAttempts})`),
    });
  } catch (error) {
    // Not expected (postToWebhook reports failures as values), but a stack must not leak the URL either.
    // eslint-disable-next-line preserve-caught-error -- the cause may quote the webhook URL
    throw new Error(scrubSecret(error instanceof Error && error.stack ? error.stack : errorMessage(error), webhookUrl));
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

function parseStatus(value: string): NotifyStatus {
  if ((NOTIFY_STATUSES as readonly string[]).includes(value)) return value as NotifyStatus;
  throw new UserError(`--status must be one of ${NOTIFY_STATUSES.join(", ")} (got ${JSON.stringify(value)})\n${USAGE}`, 2);
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
