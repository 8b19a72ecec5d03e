/**
 * Common configuration for the scripts' AWS SDK clients, read when a client is made (never
 * at module load). Endpoints come from the SDK's own AWS_ENDPOINT_URL[_<SERVICE>] variables;
 * when one is set we switch S3 to path-style addressing so local emulators work.
 */
export interface ClientSettings {
  readonly region: string;
  readonly maxAttempts: number;
  readonly retryMode: "standard" | "adaptive";
}

export function clientSettings(region?: string): ClientSettings {
  return {
    region: region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1",
    // The SDK's standard retry strategy with backoff and jitter; throttling and 5xx included.
    maxAttempts: Number(process.env.AWS_MAX_ATTEMPTS ?? 6),
    retryMode: "standard",
  };
}

/** True when an S3 endpoint override is set, so the bucket must go in the path. */
export function usesCustomS3Endpoint(): boolean {
  return Boolean(process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL);
}

/**
 * What the SDK throws when its credential chain (environment, shared files, SSO, process,
 * container and instance metadata) found nothing usable, before any request was sent:
 * `CredentialsProviderError` ("Could not load credentials from any providers", or why an SSO
 * session is unusable) and `TokenProviderError` for SSO tokens.
 * https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/setting-credentials-node.html
 */
const CREDENTIAL_ERRORS = new Set(["CredentialsProviderError", "TokenProviderError"]);

export function isMissingCredentials(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return CREDENTIAL_ERRORS.has(error.name) || /could not load credentials/i.test(error.message);
}

/** The one sentence every tool prints when there are no credentials: not an IAM problem. */
export function missingCredentialsMessage(error?: unknown, env: NodeJS.ProcessEnv = process.env): string {
  const sdk = error instanceof Error ? error.message : "";
  // The generic chain failure adds nothing; an SSO or profile problem says what to run.
  const detail = sdk === "" || /from any providers/i.test(sdk) ? "" : ` (${sdk})`;
  const profile = env.AWS_PROFILE ? ` for AWS_PROFILE=${env.AWS_PROFILE}` : "";
  return (
    `no AWS credentials found${profile}${detail}; set AWS_PROFILE to a profile in ~/.aws/config, or ` +
    "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run in CI with the workflow's OIDC role"
  );
}
