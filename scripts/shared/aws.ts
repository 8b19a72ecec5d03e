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
