/**
 * A lease on one environment's bucket for the length of a sync. Two syncs writing at once
 * would overwrite each other's unhashed files (index.html, sw.js, robots.txt: the last
 * writer wins), and each would then write a manifest claiming its own bytes.
 *
 * The workflow already runs one deploy per environment at a time (the `deploy-<env>`
 * concurrency group); this is the guard for when two run anyway (a second pipeline, a
 * manual run): the second sync fails before writing anything and names the holder.
 *
 * The lease is one object, `_releases/<env>/sync-assets.lock`, created with
 * `If-None-Match: *`: S3 writes it only when no such key exists, and of two racing creates
 * one gets 412 Precondition Failed (or 409 ConditionalRequestConflict)
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html), the
 * mechanism Terraform's S3 backend uses for `use_lockfile`. The holder rewrites it every
 * quarter lease with `If-Match` on its own ETag; a rewrite that fails the condition means
 * another run replaced it, and the holder stops. A lease that has not been rewritten for a
 * whole lease (by its LastModified, S3's clock) belongs to a run that died (SIGKILL, a lost
 * runner): the next sync replaces it with `If-Match` on that ETag, so of two takers one
 * wins. Release deletes it with `If-Match`, so a run never deletes a lease it lost.
 */
import os from "node:os";
import type { AssetStore, StoreError, StoreResult } from "./s3-port";

/** How long a lease lasts without renewal; a holder renews every quarter of it. */
export const DEFAULT_LEASE_SECONDS = 60;

/** Who holds a lease: written into the lock object so a refused run can name it. */
export interface LockHolder {
  readonly tool: "sync-assets";
  readonly releaseId: string;
  readonly host: string;
  readonly pid: number;
  readonly startedAt: string;
  /** The CI run, when there is one. */
  readonly runUrl?: string;
}

export interface HeldElsewhere {
  readonly key: string;
  /** Parsed from the lock object; undefined when it is not ours to read. */
  readonly holder?: LockHolder;
  readonly lastRenewed: Date;
  /** When the lease goes stale if its holder stops renewing it. */
  readonly staleAt: Date;
}

export type AcquireOutcome =
  | { readonly kind: "acquired"; readonly lease: Lease; readonly tookOverFrom?: HeldElsewhere }
  | { readonly kind: "held"; readonly by: HeldElsewhere }
  | { readonly kind: "error"; readonly error: StoreError };

export interface Lease {
  readonly key: string;
  /** Aborted when the lease is lost: a renewal found the lock object replaced or gone. */
  readonly lost: AbortSignal;
  /**
   * Renews the lease now and says whether this run still holds it. Called right before
   * writing anything that relies on being the only writer (the manifest).
   */
  confirm(): Promise<StoreResult<void>>;
  /** Stops renewing and deletes the lock object if it is still ours. */
  release(): Promise<void>;
}

export interface LockOptions {
  readonly holder: Omit<LockHolder, "tool" | "host" | "pid" | "startedAt">;
  /** @default DEFAULT_LEASE_SECONDS */
  readonly leaseSeconds?: number;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

const LOCK_HEADERS = { contentType: "application/json; charset=utf-8", cacheControl: "no-store" } as const;
/** Creating, finding it deleted meanwhile, creating again: bounded. */
const ACQUIRE_ATTEMPTS = 3;

export async function acquireLock(store: AssetStore, key: string, options: LockOptions): Promise<AcquireOutcome> {
  const now = options.now ?? (() => new Date());
  const leaseMs = (options.leaseSeconds ?? DEFAULT_LEASE_SECONDS) * 1000;
  const holder: LockHolder = {
    tool: "sync-assets",
    ...options.holder,
    host: os.hostname(),
    pid: process.pid,
    startedAt: now().toISOString(),
  };
  const body = lockBody(holder, 0);

  for (let attempt = 1; attempt <= ACQUIRE_ATTEMPTS; attempt++) {
    const created = await store.putText(key, body, { ...LOCK_HEADERS, condition: { ifNoneMatch: "*" } });
    if (created.ok) return { kind: "acquired", lease: startLease(store, key, holder, created.value.etag, leaseMs, now) };
    if (created.error.kind !== "precondition-failed") return { kind: "error", error: created.error };

    const existing = await store.getText(key);
    if (!existing.ok) return { kind: "error", error: existing.error };
    if (existing.value === undefined) continue; // released between our two calls: try again
    const held: HeldElsewhere = {
      key,
      holder: parseHolder(existing.value.body),
      lastRenewed: existing.value.lastModified,
      staleAt: new Date(existing.value.lastModified.getTime() + leaseMs),
    };
    if (now() < held.staleAt) return { kind: "held", by: held };

    const taken = await store.putText(key, body, { ...LOCK_HEADERS, condition: { ifMatch: existing.value.etag } });
    if (taken.ok) {
      return { kind: "acquired", lease: startLease(store, key, holder, taken.value.etag, leaseMs, now), tookOverFrom: held };
    }
    if (taken.error.kind !== "precondition-failed" && taken.error.kind !== "not-found") {
      return { kind: "error", error: taken.error };
    }
    // Another run renewed, released or took it over first: look again.
  }
  const last = await store.getText(key);
  if (last.ok && last.value) {
    return {
      kind: "held",
      by: {
        key,
        holder: parseHolder(last.value.body),
        lastRenewed: last.value.lastModified,
        staleAt: new Date(last.value.lastModified.getTime() + leaseMs),
      },
    };
  }
  return {
    kind: "error",
    error: { kind: "other", code: "LockContention", message: `could not create or take over ${key}`, retryable: true },
  };
}

/**
 * The lock object's body. Each renewal writes a new count, so that every renewal gets a new
 * ETag: a taker's If-Match on the ETag it judged stale must fail once the holder renewed.
 */
function lockBody(holder: LockHolder, renewals: number): string {
  return JSON.stringify({ ...holder, renewals });
}

function startLease(store: AssetStore, key: string, holder: LockHolder, firstEtag: string, leaseMs: number, now: () => Date): Lease {
  const lost = new AbortController();
  let etag = firstEtag;
  let renewals = 0;
  let lastRenewedMs = now().getTime();
  let released = false;
  // Renewals run one at a time, in order: each needs the ETag the previous one produced.
  let chain: Promise<StoreResult<void>> = Promise.resolve({ ok: true, value: undefined });

  const renewOnce = async (): Promise<StoreResult<void>> => {
    if (lost.signal.aborted) return lostResult(key);
    const renewedAt = now().getTime();
    const body = lockBody(holder, renewals + 1);
    const result = await store.putText(key, body, { ...LOCK_HEADERS, condition: { ifMatch: etag } });
    if (result.ok) {
      renewals += 1;
      etag = result.value.etag;
      lastRenewedMs = renewedAt;
      return { ok: true, value: undefined };
    }
    // Replaced or deleted: someone else holds it now. Unreachable for a whole lease: it may
    // have been taken over as stale, so this run can no longer count on it.
    if (
      result.error.kind === "precondition-failed" ||
      result.error.kind === "not-found" ||
      now().getTime() - lastRenewedMs >= leaseMs
    ) {
      lost.abort(new Error(`lost the lease ${key}: ${result.error.code}`));
      return lostResult(key);
    }
    return result;
  };
  const renew = () => (chain = chain.then(renewOnce, renewOnce));
  const timer = setInterval(() => void renew(), Math.max(1, Math.floor(leaseMs / 4)));
  timer.unref();

  return {
    key,
    lost: lost.signal,
    confirm: renew,
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      await chain.catch(() => undefined);
      if (!lost.signal.aborted) await store.deleteIfMatch(key, etag);
    },
  };
}

function lostResult(key: string): StoreResult<void> {
  return {
    ok: false,
    error: {
      kind: "precondition-failed",
      code: "LeaseLost",
      message: `another run replaced or removed ${key} while this sync held it`,
      retryable: false,
    },
  };
}

function parseHolder(body: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(body) as Partial<LockHolder>;
    if (parsed.tool !== "sync-assets" || typeof parsed.releaseId !== "string") return undefined;
    return {
      tool: "sync-assets",
      releaseId: parsed.releaseId,
      host: String(parsed.host ?? "?"),
      pid: Number(parsed.pid ?? 0),
      startedAt: String(parsed.startedAt ?? "?"),
      ...(typeof parsed.runUrl === "string" ? { runUrl: parsed.runUrl } : {}),
    };
  } catch {
    return undefined;
  }
}
