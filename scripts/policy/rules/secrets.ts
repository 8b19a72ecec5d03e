/**
 * Secrets: nothing secret-looking in Lambda environment variables or stack outputs, where
 * it would sit in plain text in the function configuration, the plan and the state.
 */
import { SECRET_VALUE_PATTERNS as SECRET_VALUES } from "../../../lib/secret-patterns";
import { literalString, referencesIn, stringsIn } from "../expressions";
import { asBlock } from "../model";
import { checkEach, show, type Finding, type Rule } from "../rule";

/** Word-delimited names that announce a secret (after CamelCase → UPPER_SNAKE). */
const SECRET_NAME =
  /(^|_)(SECRETS?|PASSWORD|PASSWD|PASSPHRASE|PWD|TOKENS?|CREDENTIALS?|PRIVATE_?KEY|API_?KEY|ACCESS_?KEY|SECRET_?KEY|CLIENT_?SECRET|SIGNING_?KEY|WEBHOOK)(_|$)/;
/** Trailing words that make such a name a pointer or a setting, not the secret itself. */
const POINTER_SUFFIX =
  /_(ARN|NAME|PARAM|PARAMETER|PATH|SSM|TTL|SECONDS|MINUTES|HOURS|DAYS|HEADER|LENGTH|ISSUER|AUDIENCE|ENABLED|TABLE|BUCKET|QUEUE|TOPIC|INDEX|STREAM)$/;
/** Leading words that make such a name a resource's name (`TABLE_API_TOKENS`: the tokens table). */
const POINTER_PREFIX = /^(TABLE|BUCKET|QUEUE|TOPIC|INDEX|STREAM)_/;
/** cdktf's cross-stack outputs are named after the referenced attribute; their value is judged instead. */
const CROSS_STACK_OUTPUT = /^cross-stack-output-/;


/** Attributes (and resource types) whose value is a secret wherever it is passed. */
const SECRET_ATTRIBUTE = /(^|_)(secret|secret_string|secret_binary|password|password_v4|private_key|private_key_pem|token)$/;
const SECRET_TYPES = ["random_password"];

export const noSecretsInConfig: Rule = {
  id: "SEC-1",
  severity: "error",
  title: "No secret-looking names, whatever their value, and no secret-looking values (AWS keys, tokens, passwords, webhook URLs) in Lambda environment variables or outputs",
  controls: { checkov: ["CKV_AWS_45"] },
  fix: "Keep secrets in SSM Parameter Store or Secrets Manager and pass only the parameter name or secret ARN (e.g. DB_PASSWORD_PARAMETER, DB_PASSWORD_SECRET_ARN); the function reads the value at runtime.",
  check: ({ stack }) => {
    const variables = stack.resourcesOfType("aws_lambda_function").flatMap((fn) =>
      Object.entries(asBlock(asBlock(fn.config.environment)?.variables) ?? {}).map(
        ([name, value]): Item => ({ kind: "variable", resource: fn.address, label: `environment variable ${name}`, name, value }),
      ),
    );
    const outputs = stack.outputs.map((o): Item => ({ kind: "output", resource: `output.${o.name}`, label: `output ${o.name}`, name: o.name, value: o.value }));
    return checkEach([...variables, ...outputs], "no Lambda environment variables or outputs in this stack", (item) =>
      secretProblems(item).map((problem): Finding => ({ resource: item.resource, message: `${item.label} ${problem.message}`, fix: problem.fix })),
    );
  },
};

interface Item {
  readonly kind: "variable" | "output";
  readonly resource: string;
  readonly label: string;
  readonly name: string;
  readonly value: unknown;
}

/** Credential arguments of the AWS provider and the S3 backend: set at all, they are in the code. */
const CREDENTIAL_ARGUMENTS = ["access_key", "secret_key", "token"];

export const noCredentialsInProviders: Rule = {
  id: "SEC-2",
  severity: "error",
  title: "No AWS provider or S3 backend is configured with access keys or a session token",
  controls: { checkov: ["CKV_AWS_41"] },
  fix: "Remove access_key/secret_key/token: credentials come from the environment (OIDC in CI, a profile or SSO locally), and allowed_account_ids pins the account.",
  check: ({ stack }) => {
    const providers = stack.providers.filter((p) => p.name === "aws").map((p) => ({ address: p.address, config: p.config }));
    const backend = stack.backend?.type === "s3" ? [{ address: "terraform.backend.s3", config: stack.backend.config }] : [];
    return checkEach([...providers, ...backend], "no AWS provider or S3 backend in this stack", ({ address, config }) =>
      CREDENTIAL_ARGUMENTS.filter((key) => config[key] !== undefined && config[key] !== "").map((key) => ({
        resource: address,
        message: `sets ${key}, so the credential sits in the code, the synthesized JSON and every plan`,
      })),
    );
  },
};

export const SECRET_RULES: readonly Rule[] = [noSecretsInConfig, noCredentialsInProviders];

function secretProblems({ kind, name, value }: Item): { message: string; fix?: string }[] {
  const problems: { message: string; fix?: string }[] = [];
  for (const text of stringsIn(value)) {
    for (const { what, pattern } of SECRET_VALUES) {
      if (pattern.test(text)) problems.push({ message: `holds ${what}` });
    }
  }
  for (const reference of referencesIn(value)) {
    const attribute = lastSegment(reference.attribute);
    if (SECRET_TYPES.includes(reference.type) || SECRET_ATTRIBUTE.test(attribute)) {
      problems.push({ message: `passes the secret ${reference.address}.${reference.attribute} in plain text` });
    } else if (reference.type === "aws_ssm_parameter" && attribute === "value" && looksSecret(name)) {
      problems.push({ message: `passes the value of ${reference.address} in plain text` });
    }
  }
  if (problems.length > 0 || !looksSecret(name) || (kind === "output" && CROSS_STACK_OUTPUT.test(name))) return problems;

  // The name says it carries a secret, wherever the value comes from (a literal, a variable,
  // another resource): it would sit in plain text in the configuration, every plan and the state.
  const literal = literalString(value);
  const message =
    literal !== undefined && literal !== ""
      ? "has a secret-looking name and a hard-coded value"
      : `has a secret-looking name (value ${show(value)}), so the secret would sit in plain text in the ${kind === "variable" ? "function configuration" : "outputs"}, every plan and the state`;
  const pointer = `${upperSnake(name)}_PARAMETER`;
  const fix =
    kind === "variable"
      ? `Keep the secret in SSM Parameter Store (SecureString) or Secrets Manager and pass only where to find it, e.g. ${pointer} = "/<project>/<env>/${name.toLowerCase().replace(/_/g, "-")}" (or a _SECRET_ARN); the function reads the value at runtime. If ${name} holds no secret, rename it (names ending in _PARAMETER, _ARN or _NAME are pointers).`
      : `Do not output secrets: output the name or ARN of the SSM parameter or Secrets Manager secret that holds it, or drop the output. If ${name} holds no secret, rename it.`;
  return [{ message, fix }];
}

function upperSnake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/-/g, "_").toUpperCase();
}

/** The last part of an attribute path (`value` of `value`, `token` of `outputs.session.token`). */
function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf(".") + 1);
}

function looksSecret(name: string): boolean {
  const upper = upperSnake(name);
  return SECRET_NAME.test(upper) && !POINTER_SUFFIX.test(upper) && !POINTER_PREFIX.test(upper);
}
