/**
 * Secrets: nothing secret-looking in Lambda environment variables or stack outputs, where
 * it would sit in plain text in the function configuration, the plan and the state.
 */
import { literalString, referencesIn, stringsIn } from "../expressions";
import { asBlock } from "../model";
import { checkEach, type Finding, type Rule } from "../rule";

/** Word-delimited names that announce a secret (after CamelCase → UPPER_SNAKE). */
const SECRET_NAME =
  /(^|_)(SECRETS?|PASSWORD|PASSWD|PASSPHRASE|PWD|TOKENS?|CREDENTIALS?|PRIVATE_?KEY|API_?KEY|ACCESS_?KEY|SECRET_?KEY|CLIENT_?SECRET|SIGNING_?KEY|WEBHOOK)(_|$)/;
/** Trailing words that make such a name a pointer or a setting, not the secret itself. */
const POINTER_SUFFIX = /_(ARN|NAME|PARAM|PARAMETER|PATH|SSM|TTL|SECONDS|MINUTES|HOURS|DAYS|HEADER|LENGTH|ISSUER|AUDIENCE|ENABLED)$/;

const SECRET_VALUES: readonly { readonly what: string; readonly pattern: RegExp }[] = [
  { what: "an AWS access key id", pattern: /\b(AKIA|ASIA)[A-Z0-9]{16}\b/ },
  { what: "a Slack token", pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  { what: "a Slack webhook URL", pattern: /https:\/\/hooks\.slack\.com\/(services|workflows|triggers)\// },
  { what: "a Discord webhook URL", pattern: /https:\/\/(discord|discordapp)\.com\/api\/webhooks\// },
  { what: "a Microsoft Teams webhook URL", pattern: /\.webhook\.office\.com\/|\/webhookb2\// },
  { what: "a GitHub token", pattern: /\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/ },
  { what: "a private key", pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { what: "a JSON web token", pattern: /\beyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{10,}/ },
  { what: "a Stripe secret key", pattern: /\b[sr]k_live_[A-Za-z0-9]{16,}/ },
  { what: "a Google API key", pattern: /\bAIza[\w-]{35}\b/ },
  { what: "a password in a URL", pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@${}]+:[^\s/@]+@/i },
];

/** Attributes (and resource types) whose value is a secret wherever it is passed. */
const SECRET_ATTRIBUTE = /(^|_)(secret|secret_string|secret_binary|password|password_v4|private_key|private_key_pem|token)$/;
const SECRET_TYPES = ["random_password"];

export const noSecretsInConfig: Rule = {
  id: "SEC-1",
  severity: "error",
  title: "No secret-looking names or values (AWS keys, tokens, passwords, webhook URLs) in Lambda environment variables or outputs",
  controls: { checkov: ["CKV_AWS_45"] },
  fix: "Keep secrets in Secrets Manager or SSM Parameter Store and pass only their ARN or name (e.g. DB_PASSWORD_SECRET_ARN); the function reads the value at runtime.",
  check: ({ stack }) => {
    const variables = stack.resourcesOfType("aws_lambda_function").flatMap((fn) =>
      Object.entries(asBlock(asBlock(fn.config.environment)?.variables) ?? {}).map(([name, value]) => ({
        resource: fn.address,
        label: `environment variable ${name}`,
        name,
        value,
      })),
    );
    const outputs = stack.outputs.map((o) => ({ resource: `output.${o.name}`, label: `output ${o.name}`, name: o.name, value: o.value }));
    return checkEach([...variables, ...outputs], "no Lambda environment variables or outputs in this stack", ({ resource, label, name, value }) =>
      secretProblems(name, value).map((problem): Finding => ({ resource, message: `${label} ${problem}` })),
    );
  },
};

export const SECRET_RULES: readonly Rule[] = [noSecretsInConfig];

function secretProblems(name: string, value: unknown): string[] {
  const problems: string[] = [];
  for (const text of stringsIn(value)) {
    for (const { what, pattern } of SECRET_VALUES) {
      if (pattern.test(text)) problems.push(`holds ${what}`);
    }
  }
  for (const reference of referencesIn(value)) {
    const attribute = reference.attribute.split(".").pop() ?? "";
    if (SECRET_TYPES.includes(reference.type) || SECRET_ATTRIBUTE.test(attribute)) {
      problems.push(`passes the secret ${reference.address}.${reference.attribute} in plain text`);
    } else if (reference.type === "aws_ssm_parameter" && attribute === "value" && looksSecret(name)) {
      problems.push(`passes the value of ${reference.address} in plain text`);
    }
  }
  const literal = literalString(value);
  if (problems.length === 0 && literal !== undefined && literal !== "" && looksSecret(name)) {
    problems.push("has a secret-looking name and a hard-coded value");
  }
  return problems;
}

function looksSecret(name: string): boolean {
  const upper = name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/-/g, "_").toUpperCase();
  return SECRET_NAME.test(upper) && !POINTER_SUFFIX.test(upper);
}
