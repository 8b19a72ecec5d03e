/**
 * Temporary folders for tests. Every folder made here is removed after the test file that
 * made it (support/remove-temp-dirs.ts, run by jest after each file's tests), so `npm test`
 * leaves nothing behind in the temp directory. ESLint keeps tests from calling mkdtemp or
 * `Testing.app()` (which makes its own) directly.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const made: string[] = [];

export function tempDir(prefix = "test-"): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every folder tempDir made in this test file. */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
