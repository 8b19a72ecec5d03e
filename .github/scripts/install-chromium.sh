#!/usr/bin/env bash
# Installs the Chromium build that the lockfile's Playwright is released with, and points the
# E2E suites at it (CHROMIUM_PATH in GITHUB_ENV, read by e2e/browser.ts):
#   .github/scripts/install-chromium.sh        (in a job, after npm ci)
# Why not the runner's preinstalled Chrome: its version follows the runner image, so the same
# commit could be tested with another browser next week; this one changes only when
# @playwright/test in package-lock.json does (https://playwright.dev/docs/browsers,
# "Install browsers"; --with-deps installs the system libraries it needs, through sudo on a
# GitHub-hosted runner). --no-shell: the suites launch the full build headless, never the
# separate headless shell.
set -euo pipefail
: "${GITHUB_ENV:?GITHUB_ENV is not set: run this in a GitHub Actions step}"

npx --no-install playwright install --with-deps --no-shell chromium
chromium=$(node -e 'process.stdout.write(require("@playwright/test").chromium.executablePath())')
if [ ! -x "$chromium" ]; then
  echo "::error::playwright install reported success but $chromium is not an executable file; see the install output above." >&2
  exit 1
fi
echo "CHROMIUM_PATH=$chromium" >> "$GITHUB_ENV"
echo "E2E browser: $chromium (Playwright $(npx --no-install playwright --version | sed 's/^Version //'))"
