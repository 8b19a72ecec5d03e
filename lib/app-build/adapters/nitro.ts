/**
 * Nitro builds with the `aws-lambda` preset (Nuxt, SolidStart, Analog, bare Nitro):
 * `.output/nitro.json` names the preset and `config.awsLambda.streaming`; the Lambda package
 * is `.output/server` (`index.mjs` exports `handler`), the static files are `.output/public`.
 * Each top-level public entry becomes one behaviour to S3 (`_nuxt/*`, `favicon.ico`, …);
 * everything else renders on the server. https://nitro.build/deploy/providers/aws
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { UserError } from "../../errors";
import { SERVER_FUNCTION_ID, type AppBuildDescription, type Behaviour } from "../description";
import { directoryDigest } from "../digest";

export const NITRO_OUTPUT = ".output/nitro.json";
const AWS_LAMBDA_PRESETS = ["aws-lambda", "aws_lambda"];

const NitroJsonSchema = z.object({
  preset: z.string(),
  config: z.object({ awsLambda: z.object({ streaming: z.boolean().optional() }).loose().optional() }).loose().default({}),
});

export function describeNitroBuild(root: string): AppBuildDescription {
  const file = path.join(root, NITRO_OUTPUT);
  const nitro = readNitroJson(file);
  if (!AWS_LAMBDA_PRESETS.includes(nitro.preset)) {
    throw new UserError(`${file}: preset is "${nitro.preset}"; build with Nitro's aws-lambda preset (nitro.preset "aws-lambda" or NITRO_PRESET=aws-lambda)`);
  }
  const serverDir = path.join(root, ".output", "server");
  if (!existsSync(path.join(serverDir, "index.mjs"))) {
    throw new UserError(`${path.join(serverDir, "index.mjs")} is missing: the aws-lambda preset writes its handler there; rebuild`);
  }
  const publicDir = path.join(root, ".output", "public");
  return {
    kind: "nitro",
    root,
    buildId: directoryDigest(serverDir).slice(0, 16),
    functions: [
      {
        id: SERVER_FUNCTION_ID,
        bundleDir: serverDir,
        handler: "index.handler",
        streaming: nitro.config.awsLambda?.streaming === true,
        trigger: { kind: "http" },
        environment: {},
        grants: [],
      },
    ],
    staticFiles: {
      dir: publicDir,
      keyPrefix: "assets/",
      // Nuxt's build assets (`_nuxt/`) are content-hashed, except the app manifest under
      // `_nuxt/builds/` (`latest.json` must be re-read to notice a new build). Other files
      // fall back to sync-assets' detection by name.
      cacheRules: [
        { pathPattern: "_nuxt/builds/*", immutable: false },
        { pathPattern: "_nuxt/*", immutable: true },
      ],
    },
    behaviours: existsSync(publicDir) ? topLevelBehaviours(publicDir) : [],
    tables: [],
    queues: [],
  };
}

function readNitroJson(file: string): z.output<typeof NitroJsonSchema> {
  let raw: unknown;
  try {
    // Stryker disable next-line StringLiteral: equivalent, JSON.parse reads the Buffer that readFileSync returns without an encoding as the same UTF-8 text
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new UserError(`${file}: cannot read it as JSON (${error instanceof Error ? error.message : String(error)}); rebuild the app`);
  }
  const parsed = NitroJsonSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError(`${file}: ${issue.path.join(".") || "(root)"}: ${issue.message}; is this a Nitro build?`);
  }
  return parsed.data;
}

/** One behaviour per top-level entry of the public folder: `dir/*` for a folder, the name for a file. */
export function topLevelBehaviours(dir: string): Behaviour[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith("."))
    // By UTF-16 code units (capitals first), the same order on every machine; no two names in
    // one folder are equal, so the comparator never needs to answer 0.
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((entry): Behaviour => ({ pathPattern: entry.isDirectory() ? `${entry.name}/*` : entry.name, target: { kind: "static-files" } }));
}
