/**
 * A synthesized stack (cdktf.out/stacks/<id>/cdk.tf.json) as the policy rules see it:
 * resources and data sources by type with their Terraform address and construct path,
 * providers with region and default tags, outputs and the backend. Plain data in, no
 * framework imports: the rules judge what Terraform will be given, not the constructs.
 */

/** A JSON object as it appears in cdk.tf.json (snake_case keys). */
export type Block = Readonly<Record<string, unknown>>;

export interface TfResource {
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  /** `aws_s3_bucket.Assets_Bucket_B348DC00` or `data.aws_iam_policy_document.X`. */
  readonly address: string;
  /** Construct path inside the stack (`Assets/Bucket`), or the address when cdktf recorded none. */
  readonly path: string;
  readonly config: Block;
}

export interface TfProvider {
  /** Provider name, e.g. `aws`. */
  readonly name: string;
  readonly alias?: string;
  /** `provider.aws` or `provider.aws.<alias>`: what a suppression or report names. */
  readonly address: string;
  /** The region when it is a literal; undefined when unset or an expression. */
  readonly region?: string;
  /** `default_tags.tags`, or undefined when the provider sets no default tags. */
  readonly defaultTags?: Readonly<Record<string, unknown>>;
  readonly config: Block;
}

export interface TfOutput {
  readonly name: string;
  readonly value: unknown;
  readonly sensitive: boolean;
}

export interface TfBackend {
  readonly type: string;
  readonly config: Block;
}

export class SynthesizedStack {
  readonly resources: readonly TfResource[];
  readonly dataSources: readonly TfResource[];
  readonly providers: readonly TfProvider[];
  readonly outputs: readonly TfOutput[];
  readonly backend?: TfBackend;
  private readonly byAddress: ReadonlyMap<string, TfResource>;

  constructor(
    /** Stack id from manifest.json, e.g. `prod-app`. */
    readonly id: string,
    /** Where the JSON came from, for messages. */
    readonly file: string,
    /** The synthesis directory (`cdktf.out`) the stack belongs to. */
    readonly dir: string,
    json: unknown,
  ) {
    const root = asBlock(json) ?? {};
    this.resources = readResources(id, "managed", asBlock(root.resource));
    this.dataSources = readResources(id, "data", asBlock(root.data));
    this.providers = readProviders(asBlock(root.provider));
    this.outputs = Object.entries(asBlock(root.output) ?? {}).map(([name, value]) => {
      const output = asBlock(value) ?? {};
      return { name, value: output.value, sensitive: output.sensitive === true };
    });
    this.backend = readBackend(asBlock(root.terraform));
    this.byAddress = new Map([...this.resources, ...this.dataSources].map((r) => [r.address, r]));
  }

  resourcesOfType(type: string): TfResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  dataOfType(type: string): TfResource[] {
    return this.dataSources.filter((r) => r.type === type);
  }

  /** A resource or data source by address (`aws_x.Y` or `data.aws_x.Y`). */
  find(address: string): TfResource | undefined {
    return this.byAddress.get(address);
  }

  /** The provider configuration a resource uses: its `provider` meta-argument, else the default. */
  providerOf(resource: TfResource): TfProvider | undefined {
    const providerName = resource.type.split("_")[0];
    const explicit = resource.config.provider;
    if (typeof explicit === "string") {
      const [name, alias] = explicit.replace(/^\$\{(.*)\}$/, "$1").split(".");
      return this.providers.find((p) => p.name === name && p.alias === alias);
    }
    return this.providers.find((p) => p.name === providerName && p.alias === undefined);
  }

  output(name: string): TfOutput | undefined {
    return this.outputs.find((o) => o.name === name);
  }
}

/** The object itself, or the first element of a one-block list (Terraform JSON allows both). */
export function asBlock(value: unknown): Block | undefined {
  if (Array.isArray(value)) return asBlock(value[0]);
  return value !== null && typeof value === "object" ? (value as Block) : undefined;
}

/** Every block of a nested block list, whether written as a list or a single object. */
export function asBlocks(value: unknown): Block[] {
  if (Array.isArray(value)) return value.flatMap((v) => asBlocks(v));
  const block = asBlock(value);
  return block ? [block] : [];
}

/** A list attribute as strings (a single string counts as a one-element list). */
export function asStrings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return [];
}

/**
 * A number argument as Terraform reads it. Terraform converts a string to a number where a
 * number is expected "as long as the string contains a valid representation of a number"
 * (Terraform language docs, "Type Conversion"), so `"50"` in Terraform JSON is 50. Anything
 * else (an expression, a word, null) is not a number the rules can judge: NaN, which fails
 * every comparison, so a check written `days > 0` fails closed without a guard of its own.
 */
export function asNumber(value: unknown): number {
  if (typeof value === "number") return Number.isFinite(value) ? value : NaN;
  if (typeof value === "string" && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value)) return Number(value);
  return NaN;
}

/** A bool argument as Terraform reads it: true or "true", false or "false" (the same conversion); else undefined. */
export function asBool(value: unknown): boolean | undefined {
  if (value === true || value === "true") return true;
  if (value === false || value === "false") return false;
  return undefined;
}

/** A nested value by path, tolerating single-block lists on the way. */
export function dig(block: Block | undefined, ...path: string[]): unknown {
  let current: unknown = block;
  for (const key of path) {
    const next = asBlock(current);
    if (!next) return undefined;
    current = next[key];
  }
  return current;
}

function readResources(stackId: string, mode: TfResource["mode"], section: Block | undefined): TfResource[] {
  const resources: TfResource[] = [];
  for (const [type, byName] of Object.entries(section ?? {})) {
    for (const [name, body] of Object.entries(asBlock(byName) ?? {})) {
      const config = asBlock(body) ?? {};
      const address = mode === "data" ? `data.${type}.${name}` : `${type}.${name}`;
      const metadataPath = dig(asBlock(config["//"]), "metadata", "path");
      const path =
        typeof metadataPath === "string" ? metadataPath.replace(new RegExp(`^${escapeRegExp(stackId)}/`), "") : address;
      resources.push({ mode, type, name, address, path, config });
    }
  }
  return resources;
}

function readProviders(section: Block | undefined): TfProvider[] {
  const providers: TfProvider[] = [];
  for (const [name, configs] of Object.entries(section ?? {})) {
    for (const config of asBlocks(configs)) {
      const alias = typeof config.alias === "string" ? config.alias : undefined;
      const tags = dig(config, "default_tags", "tags");
      providers.push({
        name,
        alias,
        address: alias ? `provider.${name}.${alias}` : `provider.${name}`,
        region: typeof config.region === "string" && !config.region.includes("${") ? config.region : undefined,
        defaultTags: config.default_tags === undefined ? undefined : (asBlock(tags) ?? {}),
        config,
      });
    }
  }
  return providers;
}

function readBackend(terraform: Block | undefined): TfBackend | undefined {
  const backends = asBlock(terraform?.backend);
  const [type] = Object.keys(backends ?? {});
  if (!backends || type === undefined) return undefined;
  return { type, config: asBlock(backends[type]) ?? {} };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
