/**
 * Where the workspace finds its app build: `app.config.ts` at the workspace root names the
 * build folder (validated here), and `APP_DIR` overrides it for one command. The kind of
 * build is detected from the folder's layout (detect.ts) unless the config states it.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { describeValue, UserError } from "../errors";

export const APP_BUILD_KINDS = ["opennext", "nitro", "example"] as const;
export type AppBuildKind = (typeof APP_BUILD_KINDS)[number];

export const AppConfigSchema = z.strictObject({
  /** The build output folder, relative to the workspace root (or absolute). */
  dir: z.string().trim().min(1, "must name the app's build output folder"),
  /**
   * The kind of build; "auto" detects it from the folder's layout.
   * @default "auto"
   */
  kind: z.enum(["auto", ...APP_BUILD_KINDS]).default("auto"),
  /**
   * The shell command that builds the app, run from the workspace root by
   * `npm run app -- --build` (which the pipeline's build job runs), e.g.
   * `"cd web && npx open-next build"`. Absent: the pipeline cannot build the app.
   */
  build: z.string().trim().min(1, "must be a shell command, or leave build out").optional(),
});

export type AppConfigInput = z.input<typeof AppConfigSchema>;
export type AppConfig = z.output<typeof AppConfigSchema>;

/** Typed identity for app.config.ts, so the editor checks the fields. */
export function defineAppConfig(config: AppConfigInput): AppConfigInput {
  return config;
}

export const APP_CONFIG_FILE = "app.config.ts";

/** The workspace root: where app.config.ts lives. */
export const WORKSPACE_ROOT = path.resolve(__dirname, "..", "..");

export interface ResolvedAppDir {
  readonly dir: string;
  readonly kind: AppConfig["kind"];
  /** Says where the folder came from, for error messages. */
  readonly source: string;
  /** app.config.ts's build command; absent under APP_DIR, which names a build made elsewhere. */
  readonly build?: string;
}

/**
 * The build folder for this command: `APP_DIR` if set (relative to the current directory,
 * as a shell user expects), else app.config.ts's `dir` (relative to the workspace root).
 */
export function resolveAppDir(
  vars: Readonly<Record<string, string | undefined>> = process.env,
  options: { readonly root?: string; readonly cwd?: string; readonly config?: unknown } = {},
): ResolvedAppDir {
  const root = options.root ?? WORKSPACE_ROOT;
  const config = parseAppConfig(options.config ?? readAppConfigModule(root), path.join(root, APP_CONFIG_FILE));
  const override = vars.APP_DIR?.trim();
  if (override) return { dir: path.resolve(options.cwd ?? process.cwd(), override), kind: config.kind, source: `APP_DIR=${override}` };
  return {
    dir: path.resolve(root, config.dir),
    kind: config.kind,
    source: `${APP_CONFIG_FILE} dir ${JSON.stringify(config.dir)}`,
    ...(config.build !== undefined ? { build: config.build } : {}),
  };
}

/** Validates the config object; every problem on its own line with the file and field. */
export function parseAppConfig(value: unknown, file: string): AppConfig {
  const parsed = AppConfigSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.join(".") : "(root)";
    const seen = issue.path.reduce<unknown>((v, key) => (v && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[key] : undefined), value);
    return `${file}: ${field}: ${issue.message} (got ${describeValue(seen)})`;
  });
  throw new UserError(`Invalid app build configuration:\n  ${problems.join("\n  ")}`);
}

function readAppConfigModule(root: string): unknown {
  const file = path.join(root, APP_CONFIG_FILE);
  if (!existsSync(file)) {
    throw new UserError(`${file} not found: create it with \`export default { dir: "<your build output>" }\` or set APP_DIR`);
  }
  // Loaded when asked for (tsx or jest compile it), never at module scope.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(file) as { default?: unknown };
  return loaded.default ?? loaded;
}
