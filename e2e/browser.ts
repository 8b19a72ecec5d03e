/**
 * Which Chromium the suite drives, and how: always through `executablePath`. In GitHub
 * Actions, `.github/scripts/install-chromium.sh` installs the Chromium build of the
 * lockfile's Playwright and sets CHROMIUM_PATH to it, so the browser changes only with
 * package-lock.json, not with the runner image. Where browsers cannot be downloaded (our
 * machines, `.ci/run`) it launches Debian's `chromium`.
 */
import { existsSync } from "node:fs";

/** Tried in order when CHROMIUM_PATH is not set. */
export const CHROMIUM_CANDIDATES = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
] as const;

/**
 * Headless, and quiet on the network: without the background-networking flags Chromium
 * keeps opening connections to Google's services, which a closed network refuses by the
 * dozen. Playwright gives every launch a fresh temporary --user-data-dir of its own.
 */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
] as const;

export function chromiumExecutable(env: NodeJS.ProcessEnv = process.env, exists: (file: string) => boolean = existsSync): string {
  const configured = env.CHROMIUM_PATH?.trim();
  if (configured) {
    if (!exists(configured)) throw new Error(`CHROMIUM_PATH=${configured}: no such file. Point it at a Chromium or Chrome binary.`);
    return configured;
  }
  const found = CHROMIUM_CANDIDATES.find((file) => exists(file));
  if (!found) {
    throw new Error(
      `no Chromium found (looked for ${CHROMIUM_CANDIDATES.join(", ")}). ` +
        "Install Debian's: apt-get update && apt-get install -y --no-install-recommends chromium, or set CHROMIUM_PATH.",
    );
  }
  return found;
}
