/**
 * What the rehearsal does, in the deploy workflow's order, as data: the steps before any
 * client runs (build A's assets synced, then deployed: the first deploy creates alias `live`
 * on its version), then the phases the clients keep requesting through. Each phase is one
 * step done by the real tools (or, for a planted fault, the mistake it plants).
 *
 * A fault swaps one safe step for a mistake the rehearsal must catch:
 *   release-before-assets  B's code goes live (its alias moved) before B's assets are synced
 *   prune-live-assets      the prune deletes the assets the live and the previous release need
 */

export const FAULTS = ["release-before-assets", "prune-live-assets"] as const;
export type Fault = (typeof FAULTS)[number];

export type BuildName = "A" | "B";

/** Release ids the rehearsal's tools use (the ledger and the manifests name them). */
export const RELEASE_IDS: Readonly<Record<BuildName | "stale", string>> = { A: "rehearsal-a", B: "rehearsal-b", stale: "rehearsal-stale" };

export interface CanarySettings {
  readonly percent: number;
  readonly steps: number;
  readonly stepSeconds: number;
}

/** 10 %, 40 %, 70 % for 2 s each, then all traffic: short enough for CI, long enough to serve both. */
export const CANARY: CanarySettings = { percent: 10, steps: 3, stepSeconds: 2 };

/** What prune keeps: the live and the previous release, nothing by age. */
export const RETENTION = { keep: 2, minAgeDays: 0 } as const;

export type Action =
  /** sync-assets: the build's static files (and incremental cache seed) and its manifest. */
  | { readonly kind: "sync"; readonly build: BuildName }
  /** An older release's assets nobody needs any more, for prune to find (never released). */
  | { readonly kind: "sync-stale" }
  /** What `cdktf deploy` does: new published versions, the alias untouched (but created on the first deploy). */
  | { readonly kind: "deploy"; readonly build: BuildName }
  /** npm run release (with --canary when given; --unpin after a rollback). */
  | { readonly kind: "release"; readonly build: BuildName; readonly canary?: CanarySettings; readonly unpin?: boolean }
  /** npm run rollback: to the release before the live one. */
  | { readonly kind: "rollback" }
  /** npm run prune --yes with the retention. */
  | { readonly kind: "prune" }
  /** Nothing but the clients; `oldTab` asks the old tab for its lazily loaded chunk. */
  | { readonly kind: "hold"; readonly seconds: number; readonly oldTab?: boolean }
  /** Fault: every alias of the set moved to the build's versions by hand, without the release tool's checks. */
  | { readonly kind: "move-aliases"; readonly build: BuildName }
  /** Fault: a prune that deletes every asset these releases' manifests name. */
  | { readonly kind: "delete-assets"; readonly builds: readonly BuildName[] };

export interface Phase {
  readonly name: string;
  readonly action: Action;
}

export interface Scenario {
  /** Before the clients start: nothing is live until the first deploy. */
  readonly setup: readonly Action[];
  /** The clients request throughout; every phase must see requests. */
  readonly phases: readonly Phase[];
}

/**
 * Every phase lasts at least this long and until the HTTP client has loaded the page this
 * many times in it (pages of a framework build can take a second on a busy machine), so the
 * clients see each phase however fast its tool is; but never longer than the limit.
 */
export const PHASE_MINIMUM = { seconds: 1, pageLoads: 3, limitSeconds: 30 } as const;

export function scenario(fault?: Fault): Scenario {
  const setup: Action[] = [{ kind: "sync", build: "A" }, { kind: "sync-stale" }, { kind: "deploy", build: "A" }];
  if (fault === "release-before-assets") {
    return {
      setup,
      phases: [
        { name: "release A", action: { kind: "release", build: "A" } },
        { name: "deploy B", action: { kind: "deploy", build: "B" } },
        { name: "release B before its assets (fault)", action: { kind: "move-aliases", build: "B" } },
        { name: "sync B after its release (fault)", action: { kind: "sync", build: "B" } },
        { name: "B live", action: { kind: "hold", seconds: 1 } },
      ],
    };
  }
  const prune: Phase =
    fault === "prune-live-assets"
      ? { name: "prune deleting live assets (fault)", action: { kind: "delete-assets", builds: ["A", "B"] } }
      : { name: "prune", action: { kind: "prune" } };
  return {
    setup,
    phases: [
      { name: "release A", action: { kind: "release", build: "A" } },
      { name: "sync B", action: { kind: "sync", build: "B" } },
      { name: "deploy B", action: { kind: "deploy", build: "B" } },
      { name: "canary B", action: { kind: "release", build: "B", canary: CANARY } },
      { name: "B released, old tab", action: { kind: "hold", seconds: 1, oldTab: true } },
      { name: "rollback to A", action: { kind: "rollback" } },
      { name: "release B again", action: { kind: "release", build: "B", unpin: true } },
      prune,
      { name: "after prune", action: { kind: "hold", seconds: 1.5 } },
    ],
  };
}
