/**
 * What a function URL (or the HTTP API) on alias `live` does per request, on moto: read where
 * the alias points now, pick a version by its routing weights (per request, as Lambda does:
 * developer guide, "Traffic shifting using aliases": a moved alias takes the very next
 * request; `AdditionalVersionWeights` splits requests between two versions),
 * and run that version's own package with that version's configuration (handler,
 * environment) in its own process (version-runtime.ts).
 *
 * "Now" means a read of the alias that started after the request arrived: concurrent
 * requests share one GetAlias in flight, but a request never uses a read that began before
 * it, so a release or rollback shows on the very next request, as it does on Lambda.
 * Versions are immutable, so each version's configuration is read once.
 */
import { GetAliasCommand, GetFunctionCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import { errorMessage } from "../../lib/errors";
import { badGateway, type HttpEventV2 } from "./lambda-event";
import { foreignNativeCode, type LambdaCodeStore } from "./lambda-code";
import { handlerFile, hostArchitecture, type LocalResponse } from "./local-function";
import { versionRuntime, type VersionRuntime } from "./version-runtime";

export interface AliasState {
  readonly version: string;
  /** Additional versions and their share of requests (0–1), `AdditionalVersionWeights`. */
  readonly weights: Readonly<Record<string, number>>;
}

export interface VersionConfig {
  readonly codeSha256: string;
  readonly handler: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly memoryMiB: number;
}

/** The two Lambda reads the router needs. */
export interface AliasRouterLambda {
  getAlias(functionName: string, alias: string): Promise<AliasState>;
  getVersion(functionName: string, version: string): Promise<VersionConfig>;
}

export function lambdaReads(client: LambdaClient): AliasRouterLambda {
  return {
    async getAlias(functionName, alias) {
      const out = await client.send(new GetAliasCommand({ FunctionName: functionName, Name: alias }));
      if (!out.FunctionVersion) throw new Error(`alias ${functionName}:${alias} names no version`);
      return { version: out.FunctionVersion, weights: out.RoutingConfig?.AdditionalVersionWeights ?? {} };
    },
    async getVersion(functionName, version) {
      const out = await client.send(new GetFunctionCommand({ FunctionName: functionName, Qualifier: version }));
      const config = out.Configuration;
      if (!config?.CodeSha256 || !config.Handler) throw new Error(`${functionName}:${version} has no CodeSha256 or Handler`);
      return {
        codeSha256: config.CodeSha256,
        handler: config.Handler,
        environment: config.Environment?.Variables ?? {},
        memoryMiB: config.MemorySize ?? 128,
      };
    },
  };
}

/** The version weighted routing picks for a uniform random number in [0, 1). */
export function pickVersion(alias: AliasState, random: number): string {
  let threshold = 0;
  for (const [version, weight] of Object.entries(alias.weights)) {
    threshold += weight;
    if (random < threshold) return version;
  }
  return alias.version;
}

/**
 * Reads that start after the caller asked: at most one in flight, and a caller arriving while
 * one is in flight waits for the next one (shared with everyone else who arrived meanwhile).
 */
export class FreshReads<T> {
  private current: Promise<T> | undefined;
  private queued: Promise<T> | undefined;

  constructor(private readonly fetch: () => Promise<T>) {}

  read(): Promise<T> {
    if (!this.current) return this.begin();
    this.queued ??= this.current
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        this.queued = undefined;
        return this.begin();
      });
    return this.queued;
  }

  private begin(): Promise<T> {
    const started = this.fetch().finally(() => {
      if (this.current === started) this.current = undefined;
    });
    this.current = started;
    return started;
  }
}

/** One function id to invoke through its alias. */
interface RoutedFunction {
  readonly id: string;
  readonly functionName: string;
}

export interface Invocation {
  readonly functionId: string;
  readonly functionName: string;
  readonly version: string;
}

export interface AliasRouterOptions {
  readonly lambda: AliasRouterLambda;
  readonly code: LambdaCodeStore;
  /** The physical name of the function with this id (`server`, `image`, …), if the deployed build has it. */
  readonly functionName: (functionId: string) => string | undefined;
  /** @default "live" */
  readonly alias?: string;
  /** Region and the emulator's endpoint and credentials, for every function's process. */
  readonly awsEnvironment: Readonly<Record<string, string>>;
  /** @default Math.random */
  readonly random?: () => number;
  /** Called as each invocation is dispatched, with the version the alias chose. */
  readonly onInvoke?: (invocation: Invocation) => void;
  /** The functions' own output and the router's notes. */
  readonly log?: (line: string) => void;
}

export interface AliasRouter {
  invoke(functionId: string, event: HttpEventV2): Promise<LocalResponse>;
  stop(): Promise<void>;
}

type Runnable = { readonly ok: true; readonly runtime: VersionRuntime } | { readonly ok: false; readonly reason: string };

export function aliasRouter(options: AliasRouterOptions): AliasRouter {
  const alias = options.alias ?? "live";
  const random = options.random ?? Math.random;
  const log = options.log ?? (() => {});
  const aliasReads = new Map<string, FreshReads<AliasState>>();
  const readAlias = (functionName: string): Promise<AliasState> => {
    let reads = aliasReads.get(functionName);
    if (!reads) {
      reads = new FreshReads(() => options.lambda.getAlias(functionName, alias));
      aliasReads.set(functionName, reads);
    }
    return reads.read();
  };
  const versions = new Map<string, Promise<Runnable>>();
  const noted = new Set<string>();

  const runnable = (fn: RoutedFunction, version: string): Promise<Runnable> => {
    const key = `${fn.functionName}:${version}`;
    let entry = versions.get(key);
    if (!entry) {
      entry = prepare(fn, version);
      versions.set(key, entry);
      // A failed read (a version deleted meanwhile) is not cached.
      entry.catch(() => versions.delete(key));
    }
    return entry;
  };

  const prepare = async (fn: RoutedFunction, version: string): Promise<Runnable> => {
    const config = await options.lambda.getVersion(fn.functionName, version);
    const taskRoot = options.code.unpacked(config.codeSha256);
    const foreign = foreignNativeCode(taskRoot, hostArchitecture());
    if (foreign) {
      return {
        ok: false,
        reason: `function ${fn.id} version ${version} carries native code for ${foreign.architecture} (${foreign.file}) and this machine is ${hostArchitecture()}; build it for ${hostArchitecture()} to run it locally`,
      };
    }
    const { file, exportName } = handlerFile({ id: fn.id, bundleDir: taskRoot, handler: config.handler });
    const runtime = versionRuntime({
      taskRoot,
      handlerFile: file,
      exportName,
      environment: {
        ...config.environment,
        ...lambdaDefinedVariables(fn.functionName, version, config, taskRoot),
        ...options.awsEnvironment,
      },
      log: (line) => log(`[${fn.id} v${version}] ${line}`),
    });
    return { ok: true, runtime };
  };

  return {
    async invoke(functionId, event) {
      const name = options.functionName(functionId);
      if (!name) return { kind: "buffered", response: badGateway(`no function ${functionId} in the deployed build`) };
      const fn: RoutedFunction = { id: functionId, functionName: name };
      let version: string;
      let target: Runnable;
      try {
        version = pickVersion(await readAlias(fn.functionName), random());
        target = await runnable(fn, version);
      } catch (error) {
        log(`${fn.functionName}:${alias}: ${errorMessage(error)}`);
        return { kind: "buffered", response: badGateway(errorMessage(error)) };
      }
      if (!target.ok) {
        if (!noted.has(target.reason)) log(target.reason);
        noted.add(target.reason);
        return { kind: "buffered", response: badGateway(target.reason) };
      }
      options.onInvoke?.({ functionId, functionName: fn.functionName, version });
      return target.runtime.invoke(event);
    },
    async stop() {
      const entries = await Promise.all([...versions.values()].map((entry) => entry.catch(() => undefined)));
      await Promise.all(entries.map((entry) => (entry?.ok ? entry.runtime.stop() : undefined)));
    },
  };
}

/**
 * The variables Lambda defines in every execution environment that handlers commonly read
 * (Lambda developer guide, "Defined runtime environment variables": `TZ=:UTC`, LANG, PATH, …).
 */
function lambdaDefinedVariables(functionName: string, version: string, config: VersionConfig, taskRoot: string): Record<string, string> {
  return {
    _HANDLER: config.handler,
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: version,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(config.memoryMiB),
    LAMBDA_TASK_ROOT: taskRoot,
    TZ: ":UTC",
    LANG: "en_US.UTF-8",
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
  };
}
