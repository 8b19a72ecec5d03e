/**
 * Errors a user can act on. CLIs print `message` without a stack trace and exit with
 * `exitCode`; anything else is a bug and keeps its stack.
 */
export class UserError extends Error {
  constructor(
    message: string,
    /** 1 for a failed operation, 2 for a usage error. */
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = "UserError";
  }
}

/** Invalid environment configuration; `problems` holds one line per issue. */
export class ConfigError extends UserError {
  constructor(readonly problems: readonly string[]) {
    super(
      `Invalid environment configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  ${p}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

/** Renders a value seen in input for an error message, short enough for one line. */
export function describeValue(value: unknown, maxLength = 80): string {
  if (value === undefined) return "nothing";
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

/** The message of anything thrown, for one-line reports. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
