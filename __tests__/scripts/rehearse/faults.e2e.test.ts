/**
 * A rehearsal that cannot fail proves nothing: `npm run rehearse` with each planted fault,
 * as its users start it, must record failed requests in the phases the fault affects, name
 * them, and exit 1. (The clean run, exit 0, is `npm run rehearse` itself in .ci/run and CI.)
 * Each run starts its own moto_server, edge and Chromium, so this is an E2E suite:
 * `npm run test:e2e`, not part of `npm test` (jest.config.js).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../../..");
const RUN_TIMEOUT_MS = 240_000;

interface Result {
  readonly code: number | null;
  readonly stderr: string;
  readonly json: {
    requests: number;
    errors: number;
    versionsServed: string[];
    phases: { name: string; requests: number; errors: number }[];
    browser: { oldTabChunkLoaded: boolean };
  };
}

function rehearse(args: readonly string[]): Promise<Result> {
  const scripts = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
  const [, ...entry] = scripts.rehearse!.split(" ");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...entry, "--json", ...args], { cwd: ROOT, env: process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      try {
        resolve({ code, stderr, json: JSON.parse(stdout) as Result["json"] });
      } catch {
        reject(new Error(`rehearse ${args.join(" ")} exited ${code} without JSON:\n${stderr.slice(-3000)}`));
      }
    });
  });
}

/** Phases with failed requests, by name. */
const failingPhases = (result: Result) => result.json.phases.filter((p) => p.errors > 0).map((p) => p.name);

describe("npm run rehearse with a planted fault", () => {
  let releaseBeforeAssets: Result;
  let pruneLiveAssets: Result;

  beforeAll(async () => {
    // One after another: each run is timed against its own phases, and the machine is small.
    releaseBeforeAssets = await rehearse(["--fault", "release-before-assets"]);
    pruneLiveAssets = await rehearse(["--fault", "prune-live-assets"]);
  }, 2 * RUN_TIMEOUT_MS);

  describe("with --fault release-before-assets", () => {
    it("exits 1", () => {
      expect(releaseBeforeAssets.code).toBe(1);
    });

    it("records failed requests only while B's code is live without its assets", () => {
      expect(failingPhases(releaseBeforeAssets).filter((name) => !/release B before its assets|sync B after its release/.test(name))).toEqual([]);
    });

    it("records failed requests there", () => {
      expect(releaseBeforeAssets.json.errors).toBeGreaterThan(0);
    });

    it("names each failed request's phase, URL and status", () => {
      expect(releaseBeforeAssets.stderr).toMatch(/release B before its assets \(fault\): http \/assets\/\S+ → 404/);
    });
  });

  describe("with --fault prune-live-assets", () => {
    it("exits 1", () => {
      expect(pruneLiveAssets.code).toBe(1);
    });

    it("records failed requests only from the faulty prune on", () => {
      expect(failingPhases(pruneLiveAssets).filter((name) => !/prune/.test(name))).toEqual([]);
    });

    it("records failed requests there", () => {
      expect(pruneLiveAssets.json.errors).toBeGreaterThan(0);
    });
  });
});
