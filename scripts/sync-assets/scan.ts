/**
 * Reads the build directory: every regular file under --dir (dotfiles and dot-directories
 * skipped), with its size and the stat fields the hash cache keys on.
 *
 * Symbolic links are followed only where they stay inside --dir. A link whose target lies
 * outside would publish whatever it points at (a checkout's .env, ~/.aws, /etc): it is
 * refused, every such link named, unless the caller passes followSymlinks. A link to a
 * directory that contains it (a loop) is not entered again; the files are reached once
 * through their real path. A link whose target does not exist is refused: the build is
 * incomplete.
 *
 * Synchronous file system calls on purpose: a walk is thousands of tiny stat calls, and
 * sync calls cost a few microseconds each where the thread-pool round trip of async ones
 * costs tens (20,000 files: ~0.1 s instead of ~0.6 s).
 */
import { readdirSync, readlinkSync, realpathSync, statSync, type Dirent, type Stats } from "node:fs";
import path from "node:path";
import { errorMessage } from "../../lib/errors";

/** The stat fields that change whenever a file's content does (see hash-cache.ts). */
export interface FileStamp {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly ino: number;
  readonly dev: number;
}

export interface ScannedFile {
  /** Path relative to --dir with `/` separators, e.g. `assets/main.6EFCQAEZ.js`. */
  readonly relativePath: string;
  /** The path under --dir (a link's own path, not its target). */
  readonly absolutePath: string;
  readonly size: number;
  readonly stamp: FileStamp;
}

export interface SymlinkNote {
  /** The link, relative to --dir. */
  readonly path: string;
  /** Where it points: its resolved real path, or the link text when that does not exist. */
  readonly target: string;
}

export type ScanResult =
  | {
      readonly kind: "ok";
      /** The directory's real path. */
      readonly root: string;
      readonly files: readonly ScannedFile[];
      /** Links to a directory above them, not entered again. */
      readonly loops: readonly SymlinkNote[];
    }
  | { readonly kind: "missing" }
  | { readonly kind: "not-a-directory" }
  | { readonly kind: "empty" }
  | { readonly kind: "links-outside"; readonly links: readonly SymlinkNote[] }
  | { readonly kind: "broken-links"; readonly links: readonly SymlinkNote[] }
  | { readonly kind: "unreadable"; readonly path: string; readonly message: string };

export interface ScanOptions {
  /** Follow links whose target is outside the directory. @default false */
  readonly followSymlinks?: boolean;
}

interface PendingDirectory {
  readonly absolutePath: string;
  readonly relativePath: string;
  /** Real paths of this directory and every directory above it on the way here. */
  readonly realAncestors: readonly string[];
}

export function scanDirectory(dir: string, options: ScanOptions = {}): ScanResult {
  let root: string;
  try {
    if (!statSync(dir).isDirectory()) return { kind: "not-a-directory" };
    root = realpathSync(dir);
  } catch {
    return { kind: "missing" };
  }

  const files: ScannedFile[] = [];
  const loops: SymlinkNote[] = [];
  const outside: SymlinkNote[] = [];
  const broken: SymlinkNote[] = [];
  const pending: PendingDirectory[] = [{ absolutePath: dir, relativePath: "", realAncestors: [root] }];

  for (let directory = pending.pop(); directory; directory = pending.pop()) {
    let entries: Dirent[];
    try {
      entries = readdirSync(directory.absolutePath, { withFileTypes: true });
    } catch (error) {
      return { kind: "unreadable", path: directory.absolutePath, message: errorMessage(error) };
    }
    const realDirectory = directory.realAncestors[directory.realAncestors.length - 1]!;
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      const absolutePath = path.join(directory.absolutePath, entry.name);
      const relativePath = directory.relativePath ? `${directory.relativePath}/${entry.name}` : entry.name;
      let realPath = path.join(realDirectory, entry.name);
      if (entry.isSymbolicLink()) {
        try {
          realPath = realpathSync(absolutePath);
        } catch {
          broken.push({ path: relativePath, target: readlinkSync(absolutePath) });
          continue;
        }
        if (!isWithin(root, realPath) && !options.followSymlinks) {
          outside.push({ path: relativePath, target: realPath });
          continue;
        }
      }
      let stats: Stats;
      try {
        stats = statSync(absolutePath);
      } catch (error) {
        return { kind: "unreadable", path: absolutePath, message: errorMessage(error) };
      }
      if (stats.isDirectory()) {
        if (directory.realAncestors.includes(realPath)) {
          loops.push({ path: relativePath, target: realPath });
          continue;
        }
        pending.push({ absolutePath, relativePath, realAncestors: [...directory.realAncestors, realPath] });
      } else if (stats.isFile()) {
        files.push({ relativePath, absolutePath, size: stats.size, stamp: stampOf(stats) });
      }
    }
  }

  if (outside.length > 0) return { kind: "links-outside", links: sortByPath(outside) };
  if (broken.length > 0) return { kind: "broken-links", links: sortByPath(broken) };
  if (files.length === 0) return { kind: "empty" };
  return { kind: "ok", root, files: files.sort(byPath), loops: sortByPath(loops) };
}

function stampOf(stats: Stats): FileStamp {
  return { size: stats.size, mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs, ino: stats.ino, dev: stats.dev };
}

/** True when `candidate` is `root` or below it. */
function isWithin(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === "" || (!relative.startsWith(`..${path.sep}`) && relative !== ".." && !path.isAbsolute(relative));
}

/** Code-unit order, the order S3 lists keys in. */
function byPath(a: { readonly relativePath: string }, b: { readonly relativePath: string }): number {
  return a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0;
}

function sortByPath(notes: SymlinkNote[]): SymlinkNote[] {
  return notes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
