/**
 * Content digests of folders: the same files (paths and bytes) give the same digest, so a
 * rebuild that changed nothing keeps its Lambda package, and the package cache (package.ts)
 * is keyed by what is in the folder, not by when it was written.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

/** Every file under `dir` (dot-files and dot-folders included), as sorted `/`-separated relative paths. */
export function listFilesRecursively(dir: string): string[] {
  const out: string[] = [];
  const walk = (relative: string) => {
    for (const entry of readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const child = relative === "" ? entry.name : `${relative}/${entry.name}`;
      // Follow symlinks (a package's node_modules may link): what Lambda gets is the target.
      const isDir = entry.isDirectory() || (entry.isSymbolicLink() && statSync(path.join(dir, child)).isDirectory());
      if (isDir) walk(child);
      else out.push(child);
    }
  };
  walk("");
  return out.sort();
}

export function directoryDigest(dir: string): string {
  const hash = createHash("sha256");
  for (const file of listFilesRecursively(dir)) {
    const bytes = readFileSync(path.join(dir, file));
    hash.update(`${file}\0${bytes.length}\0`).update(bytes);
  }
  return hash.digest("hex");
}
