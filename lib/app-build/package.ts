/**
 * Lambda packages from bundle folders, built deterministically: entries sorted by path, one
 * fixed timestamp, fixed compression, dot-folders (`.next/`) included. The same files always
 * give the same bytes, so Terraform sees no change for an unchanged build. Packages are
 * cached by the folder's content digest: only a changed bundle is zipped again.
 *
 * Limits from the Lambda developer guide ("Lambda quotas"): a .zip uploaded directly (as
 * Terraform's `filename` does) may be at most 50 MB, and its contents at most 250 MB unzipped.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { zipSync, type Zippable } from "fflate";
import { UserError } from "../errors";
import { directoryDigest, listFilesRecursively } from "./digest";

/** Where the stacks (and the local deploy step) keep packages, by content digest. */
export const DEFAULT_PACKAGE_CACHE_DIR = path.resolve(__dirname, "..", "..", ".cache", "function-packages");

export const MAX_DIRECT_UPLOAD_ZIP_BYTES = 50 * 1024 * 1024;
export const MAX_UNZIPPED_BYTES = 250 * 1024 * 1024;
/** DOS time starts in 1980: the earliest timestamp a zip entry can carry. */
const FIXED_MTIME = new Date("1980-01-01T00:00:00Z");

/** The zip's bytes for a folder; pure over the folder's contents. */
export function zipDirectory(dir: string): Uint8Array {
  const entries: Zippable = {};
  let unzippedBytes = 0;
  for (const file of listFilesRecursively(dir)) {
    const bytes = readFileSync(path.join(dir, file));
    unzippedBytes += bytes.length;
    entries[file] = [bytes, { mtime: FIXED_MTIME, level: 9 }];
  }
  if (unzippedBytes > MAX_UNZIPPED_BYTES) {
    throw new UserError(`${dir}: ${mb(unzippedBytes)} unzipped, over Lambda's ${mb(MAX_UNZIPPED_BYTES)} limit for a function and its layers; trim the bundle`);
  }
  return zipSync(entries);
}

/**
 * The path of the package for `bundleDir` (`<cacheDir>/<content digest>/<fileName>`; the
 * file name shows in Terraform's `filename`), zipping it unless a package of the same content
 * is there already. Written to a temporary name and renamed, so an
 * interrupted run never leaves a half-written package under the final name.
 */
export function packageFunction(bundleDir: string, cacheDir: string, fileName = "package.zip"): string {
  const digest = directoryDigest(bundleDir);
  const file = path.join(cacheDir, digest, fileName);
  if (existsSync(file)) return file;
  const bytes = zipDirectory(bundleDir);
  if (bytes.length > MAX_DIRECT_UPLOAD_ZIP_BYTES) {
    throw new UserError(`${bundleDir}: the package is ${mb(bytes.length)} zipped, over Lambda's ${mb(MAX_DIRECT_UPLOAD_ZIP_BYTES)} limit for a direct upload; trim the bundle`);
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, file);
  return file;
}

/** Size of a package, for tests and reports. */
export function packageBytes(file: string): number {
  return statSync(file).size;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
