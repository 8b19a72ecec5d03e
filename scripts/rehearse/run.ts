/**
 * The rehearsal itself: a local deployment on moto (scripts/e2e-local/local-deployment.ts),
 * build A synced and deployed, then the clients (http-client.ts, old-tab.ts) request without
 * pause while the scenario's phases run the real tools in the deploy workflow's order. The
 * tools run through their CLI entry points in this process, as `npm run demo` runs them:
 * the same parsing, checks and output as `npm run …`, without a start-up per step.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { LambdaClient, UpdateAliasCommand } from "@aws-sdk/client-lambda";
import { DeleteObjectsCommand, GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { EnvironmentConfig } from "../../environments/schema";
import { AssetManifestSchema } from "../../lib/asset-manifest";
import { SERVER_FUNCTION_ID, type AppBuildDescription } from "../../lib/app-build/description";
import { releaseFunctionSet } from "../../lib/app-build/release-set";
import { errorMessage } from "../../lib/errors";
import { assetManifestKey, ASSETS_PREFIX, LIVE_ALIAS } from "../../lib/naming";
import { unrunnableFunctions } from "../e2e-local/local-function";
import { startLocalDeployment, type LocalDeployment } from "../e2e-local/local-deployment";
import { routeRequest } from "../e2e-local/routes";
import { main as releaseTool } from "../release/cli";
import { main as syncAssetsTool } from "../sync-assets/cli";
import { startHttpClients, type HttpClients } from "./http-client";
import { openOldTab, type ChunkOutcome, type OldTab } from "./old-tab";
import { summarize, verdict, type RehearsalSummary, type RequestRecord, type ServedVersion, type Verdict } from "./results";
import { PHASE_MINIMUM, RELEASE_IDS, RETENTION, scenario, type Action, type BuildName, type Fault } from "./scenario";

export interface RehearsalOptions {
  readonly env: EnvironmentConfig;
  readonly builds: Readonly<Record<BuildName, AppBuildDescription>>;
  readonly fault?: Fault;
  /** Progress, the tools' output and notes. */
  readonly log: (line: string) => void;
  /** Every request the edge answers and the functions' own output. @default off */
  readonly verbose?: boolean;
}

export interface RehearsalOutcome {
  readonly summary: RehearsalSummary;
  readonly verdict: Verdict;
  /** Each build's server version. */
  readonly versions: Readonly<Partial<Record<BuildName, string>>>;
  readonly oldTab: ChunkOutcome | undefined;
  readonly seconds: number;
}

/** The page the HTTP client loads (and whose references it follows). */
const PAGE_PATH = "/";

/** The last lines the functions wrote, shown when something failed (all of them with --verbose). */
const FUNCTION_LOG_LINES = 30;

export async function rehearse(options: RehearsalOptions): Promise<RehearsalOutcome> {
  const { env, builds, log } = options;
  const started = performance.now();
  const plan = scenario(options.fault);
  const records: RequestRecord[] = [];
  const served: ServedVersion[] = [];
  const functionLog: string[] = [];
  const deployed: Partial<Record<BuildName, Readonly<Record<string, string>>>> = {};
  const problems: string[] = [];
  let phase = "setup";
  let local: LocalDeployment | undefined;
  let clients: HttpClients | undefined;
  let tab: OldTab | undefined;
  let chunk: ChunkOutcome | undefined;
  const work = mkdtempSync(path.join(tmpdir(), "rehearse-"));
  const savedEnvironment = { ...process.env };
  const stopAll = async () => {
    await clients?.stop();
    await tab?.close().catch(() => {});
    await local?.stop();
    rmSync(work, { recursive: true, force: true });
  };
  // Ctrl-C or a CI timeout: stop moto, the functions' processes and the browser before exiting.
  const onSignal = () => void stopAll().finally(() => process.exit(130));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  try {
    local = await startLocalDeployment({
      env,
      build: builds.A,
      log,
      functionLog: (line) => {
        if (options.verbose) log(line);
        functionLog.push(line);
        if (functionLog.length > FUNCTION_LOG_LINES) functionLog.shift();
      },
      ...(options.verbose ? { requestLog: log } : {}),
      onInvoke: (invocation) => {
        if (invocation.functionId === SERVER_FUNCTION_ID) served.push({ phase, version: invocation.version });
      },
    });
    log(`rehearse: edge ${local.url}, moto ${local.endpoint}, bucket ${local.bucket}`);
    // The tools read the emulator's endpoint and credentials from the environment, as in CI.
    Object.assign(process.env, local.awsEnvironment);
    delete process.env.AWS_PROFILE;
    delete process.env.AWS_SESSION_TOKEN;

    const steps = new Steps(env, builds, local, work, deployed, log);
    for (const action of plan.setup) await steps.run(action);

    const deployment = local;
    const table = () => deployment.routes();
    const unrunnable = new Set([...unrunnableFunctions(builds.A), ...unrunnableFunctions(builds.B)].map((fn) => fn.id));
    for (const fn of [...unrunnableFunctions(builds.A), ...unrunnableFunctions(builds.B)]) log(`rehearse: ${fn.reason}: its requests are not counted`);
    const isExcused = (requestPath: string) => {
      const route = routeRequest("GET", requestPath, table());
      return (route.origin === "function" && unrunnable.has(route.functionId)) || requestPath === "/favicon.ico";
    };
    const isStaticFile = (requestPath: string) => routeRequest("GET", requestPath, table()).origin === "assets";
    const record = (r: RequestRecord) => records.push(r);
    const apiPath = (await answers(`${local.url}/api/health`)) ? "/api/health" : undefined;
    log(`rehearse: clients start (HTTP: / and every static file it references${apiPath ? `, ${apiPath}` : ""}; a browser tab on build A)`);

    phase = plan.phases[0]!.name;
    clients = startHttpClients({ baseUrl: local.url, pagePath: PAGE_PATH, apiPath, isStaticFile, isExcused, phase: () => phase, record });
    tab = await openOldTab({ url: `${local.url}${PAGE_PATH}`, phase: () => phase, record, isExcused });

    for (const step of plan.phases) {
      phase = step.name;
      const phaseStarted = performance.now();
      log(`\n▸ ${step.name}`);
      try {
        if (step.action.kind === "hold" && step.action.oldTab) {
          chunk = await tab.loadLazyChunk();
          log(
            chunk.loaded
              ? `rehearse: the old tab loaded its chunk: "${chunk.text}" (${chunk.fetched.length > 0 ? `requested now: ${chunk.fetched.join(", ")}` : "no request: the page had preloaded it"})`
              : `rehearse: the old tab's chunk did not load: ${chunk.reason}`,
          );
        }
        await steps.run(step.action);
      } catch (error) {
        problems.push(`phase "${step.name}" failed: ${errorMessage(error)}`);
        log(`rehearse: ${step.name} FAILED: ${errorMessage(error)}; stopping the scenario`);
        break;
      } finally {
        const minimumMs = Math.max(PHASE_MINIMUM.seconds, step.action.kind === "hold" ? step.action.seconds : 0) * 1000;
        const pageLoads = () => records.filter((r) => r.phase === step.name && r.client === "http" && r.url === PAGE_PATH).length;
        while (performance.now() - phaseStarted < PHASE_MINIMUM.limitSeconds * 1000) {
          if (performance.now() - phaseStarted >= minimumMs && pageLoads() >= PHASE_MINIMUM.pageLoads) break;
          await sleep(50);
        }
      }
    }
  } finally {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
    await stopAll();
    for (const name of Object.keys(process.env)) if (!(name in savedEnvironment)) delete process.env[name];
    Object.assign(process.env, savedEnvironment);
  }

  const versions: Partial<Record<BuildName, string>> = {};
  for (const name of ["A", "B"] as const) {
    const version = deployed[name]?.[SERVER_FUNCTION_ID];
    if (version) versions[name] = version;
  }
  const summary = summarize({ phases: plan.phases.map((p) => p.name), records, served, oldTabChunkLoaded: chunk?.loaded ?? false });
  const expectOldTab = plan.phases.some((p) => p.action.kind === "hold" && p.action.oldTab);
  const judged = verdict(summary, { versions: { A: versions.A ?? "(not deployed)", B: versions.B ?? "(not deployed)" }, oldTab: expectOldTab });
  const allProblems = [...problems, ...judged.problems];
  if (allProblems.length > 0 && !options.verbose && functionLog.length > 0) {
    log(`\nthe functions' last ${functionLog.length} lines of output:\n${functionLog.map((line) => `  ${line}`).join("\n")}`);
  }
  return {
    summary,
    verdict: { ok: allProblems.length === 0, problems: allProblems },
    versions,
    oldTab: chunk,
    seconds: (performance.now() - started) / 1000,
  };
}

/** Each action of the scenario, done by the real tools (or, for a fault, by hand). */
class Steps {
  constructor(
    private readonly env: EnvironmentConfig,
    private readonly builds: Readonly<Record<BuildName, AppBuildDescription>>,
    private readonly local: LocalDeployment,
    private readonly work: string,
    private readonly deployed: Partial<Record<BuildName, Readonly<Record<string, string>>>>,
    private readonly log: (line: string) => void,
  ) {}

  async run(action: Action): Promise<void> {
    const env = ["--env", this.env.name];
    switch (action.kind) {
      case "sync": {
        const build = this.builds[action.build];
        const id = RELEASE_IDS[action.build];
        if (build.incrementalCache) {
          await this.tool("sync-assets", [...env, "--dir", build.incrementalCache.dir, "--prefix", build.incrementalCache.keyPrefix, "--release", `${id}-cache`], build);
        }
        // Without --dir: the build's static files, key prefix and cache rules (APP_DIR).
        return this.tool("sync-assets", [...env, "--release", id], build);
      }
      case "sync-stale": {
        const dir = path.join(this.work, "stale");
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        writeFileSync(path.join(dir, "stale.0a1b2c3d.js"), "/* an asset of an old release no one serves any more */\n");
        return this.tool("sync-assets", [...env, "--dir", dir, "--prefix", ASSETS_PREFIX, "--release", RELEASE_IDS.stale]);
      }
      case "deploy": {
        const result = await this.local.deploy(this.builds[action.build]);
        this.deployed[action.build] = result.versions;
        this.log(`  deployed build ${action.build}: ${Object.entries(result.versions).map(([id, v]) => `${id} v${v}${result.published.includes(id) ? " (new)" : ""}`).join(", ")}`);
        return;
      }
      case "release": {
        const canary = action.canary
          ? ["--canary", String(action.canary.percent), "--steps", String(action.canary.steps), "--step-seconds", String(action.canary.stepSeconds)]
          : [];
        return this.tool("release", ["release", ...env, "--release-id", RELEASE_IDS[action.build], ...canary, ...(action.unpin ? ["--unpin"] : [])], this.builds[action.build]);
      }
      case "rollback":
        return this.tool("rollback", ["rollback", ...env, "--reason", "rehearsal: roll back to the release before"]);
      case "prune":
        return this.tool("prune", ["prune", ...env, "--keep", String(RETENTION.keep), "--min-age-days", String(RETENTION.minAgeDays), "--yes"]);
      case "hold":
        return;
      case "move-aliases":
        return this.moveAliases(action.build);
      case "delete-assets":
        return this.deleteAssets(action.builds);
    }
  }

  /** A tool's CLI entry point with APP_DIR naming `build` (when given); anything but 0 fails the phase. */
  private async tool(name: string, args: readonly string[], build?: AppBuildDescription): Promise<void> {
    this.log(`  $ ${build ? `APP_DIR=${build.root} ` : ""}npm run ${name} -- ${args.slice(name === "sync-assets" ? 0 : 1).join(" ")}`);
    const previous = process.env.APP_DIR;
    if (build) process.env.APP_DIR = build.root;
    else delete process.env.APP_DIR;
    try {
      const code = await (name === "sync-assets" ? syncAssetsTool(args) : releaseTool(args));
      if (code !== 0) throw new Error(`npm run ${name} exited with ${code}`);
    } finally {
      if (previous === undefined) delete process.env.APP_DIR;
      else process.env.APP_DIR = previous;
    }
  }

  /** Fault: what a pipeline without the release tool's asset check does. */
  private async moveAliases(name: BuildName): Promise<void> {
    const versions = this.deployed[name];
    if (!versions) throw new Error(`build ${name} is not deployed`);
    const lambda = new LambdaClient({ endpoint: this.local.endpoint, region: this.env.account.region, credentials: TEST_CREDENTIALS });
    try {
      for (const fn of releaseFunctionSet(this.env, this.builds[name])) {
        const version = versions[fn.id];
        if (!version) continue;
        this.log(`  (fault) UpdateAlias ${fn.functionName}:${LIVE_ALIAS} → ${version}, no asset check`);
        await lambda.send(new UpdateAliasCommand({ FunctionName: fn.functionName, Name: LIVE_ALIAS, FunctionVersion: version, RoutingConfig: { AdditionalVersionWeights: {} } }));
      }
    } finally {
      lambda.destroy();
    }
  }

  /** Fault: a prune that deletes what these releases' manifests name. */
  private async deleteAssets(names: readonly BuildName[]): Promise<void> {
    const s3 = new S3Client({ endpoint: this.local.endpoint, region: this.env.account.region, forcePathStyle: true, credentials: TEST_CREDENTIALS });
    try {
      for (const name of names) {
        const key = assetManifestKey(this.env, RELEASE_IDS[name]);
        const object = await s3.send(new GetObjectCommand({ Bucket: this.local.bucket, Key: key }));
        const manifest = AssetManifestSchema.parse(JSON.parse(await object.Body!.transformToString()));
        const keys = manifest.assets.map((asset) => asset.key);
        this.log(`  (fault) deleting the ${keys.length} assets of release ${RELEASE_IDS[name]}`);
        for (let i = 0; i < keys.length; i += 1000) {
          await s3.send(new DeleteObjectsCommand({ Bucket: this.local.bucket, Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })) } }));
        }
      }
    } finally {
      s3.destroy();
    }
  }
}

const TEST_CREDENTIALS = { accessKeyId: "testing", secretAccessKey: "testing" };

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(30_000) })).status === 200;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
