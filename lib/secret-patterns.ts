/**
 * What secrets look like, for the checks that keep them out of places many people read:
 * the policy's SEC-1 rule (Lambda environment variables and stack outputs) and the release
 * ledger (`rollback --reason`). Each pattern matches the whole secret, so a printer can
 * replace the match and leave nothing of it behind.
 *
 * Sources: AWS access key id prefixes from the STS GetAccessKeyInfo reference ("AKIA …
 * long-term, ASIA … temporary") and the IAM identifiers guide's unique-ID prefixes (ABIA,
 * ACCA); the secret access key is 40 characters of base64 (the IAM guide's example
 * `wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`); Slack's incoming-webhook and token formats;
 * GitHub's token prefixes (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_).
 */

export interface SecretPattern {
  /** What it is, as a sentence fragment: "an AWS access key id". */
  readonly what: string;
  readonly pattern: RegExp;
}

/** The rest of a URL: anything up to whitespace or a character that ends a quoted or bracketed URL. */
const URL_TAIL = String.raw`[^\s"'<>()]*`;

export const SECRET_VALUE_PATTERNS: readonly SecretPattern[] = [
  { what: "an AWS access key id", pattern: /\b(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/ },
  { what: "a Slack token", pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  { what: "a Slack webhook URL", pattern: new RegExp(String.raw`https:\/\/hooks\.slack\.com\/(services|workflows|triggers)\/${URL_TAIL}`) },
  { what: "a Discord webhook URL", pattern: new RegExp(String.raw`https:\/\/(discord|discordapp)\.com\/api\/webhooks\/${URL_TAIL}`) },
  { what: "a Microsoft Teams webhook URL", pattern: new RegExp(String.raw`\S*(\.webhook\.office\.com\/|\/webhookb2\/)${URL_TAIL}`) },
  { what: "a GitHub token", pattern: /\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/ },
  { what: "a private key", pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { what: "a JSON web token", pattern: /\beyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{10,}/ },
  { what: "a Stripe secret key", pattern: /\b[sr]k_live_[A-Za-z0-9]{16,}/ },
  { what: "a Google API key", pattern: /\bAIza[\w-]{35}\b/ },
  { what: "a password in a URL", pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@${}]+:[^\s/@]+@/i },
];

/**
 * An AWS secret access key: exactly 40 base64 characters standing alone, with upper and lower
 * case letters and a digit, `/` or `+`. A git commit id (lowercase hex) never matches. Only
 * for free text people write: it is a guess from shape alone, so URLs are left out first
 * (see `findSecrets`), where such runs occur as paths.
 */
export const AWS_SECRET_ACCESS_KEY: SecretPattern = {
  what: "an AWS secret access key",
  pattern: /(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]*[A-Z])(?=[A-Za-z0-9/+]*[a-z])(?=[A-Za-z0-9/+]*[0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/,
};

const URL = /\bhttps?:\/\/\S+/g;

/** What kinds of secret `text` holds (each named once), for free text such as a reason. */
export function findSecrets(text: string): string[] {
  const found = SECRET_VALUE_PATTERNS.filter(({ pattern }) => pattern.test(text)).map(({ what }) => what);
  if (AWS_SECRET_ACCESS_KEY.pattern.test(text.replace(URL, " "))) found.push(AWS_SECRET_ACCESS_KEY.what);
  return found;
}

/** `text` with every secret-shaped part replaced by `[redacted: <what>]`. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const { what, pattern } of SECRET_VALUE_PATTERNS) out = out.replace(new RegExp(pattern.source, `${pattern.flags}g`), `[redacted: ${what}]`);
  // The shape-only guess, outside URLs: split keeps each URL at an odd index.
  const { what, pattern } = AWS_SECRET_ACCESS_KEY;
  return out
    .split(new RegExp(`(${URL.source})`))
    .map((part, i) => (i % 2 === 1 ? part : part.replace(new RegExp(pattern.source, "g"), `[redacted: ${what}]`)))
    .join("");
}
