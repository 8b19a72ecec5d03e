/**
 * A deterministic build directory for the sync benchmark: `count` files of 1–20 KB, most
 * content-hashed (`assets/<name>-<i>.<hash>.<ext>`, hash = sha256 of the bytes), one in
 * `unhashedEvery` unhashed (`static/…`: pages, images, data files, as a static export or
 * an SSR build's public folder has them). The same seed gives the same bytes on every machine.
 */
import { createHash } from "node:crypto";
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { seededRandom } from "../support/seeded-random";

const KiB = 1024;
/** One file in this many is unhashed, unless the caller says otherwise. */
const UNHASHED_EVERY = 100;
const HASHED_KINDS = [
  { name: "chunk", ext: "js" },
  { name: "chunk", ext: "js" },
  { name: "chunk", ext: "js" },
  { name: "styles", ext: "css" },
  { name: "icon", ext: "svg" },
  { name: "font", ext: "woff2" },
] as const;
const UNHASHED_KINDS = [
  { name: "page", ext: "html" },
  { name: "image", ext: "png" },
  { name: "data", ext: "json" },
] as const;

export interface GeneratedSite {
  readonly dir: string;
  readonly files: number;
  readonly hashedFiles: number;
  readonly bytes: number;
  /** Relative paths, in generation order. */
  readonly paths: string[];
}

function randomBody(random: () => number, size: number): Buffer {
  const body = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i += 4) body.writeUInt32LE(Math.floor(random() * 0x100000000), Math.min(i, size - 4));
  return body;
}

function hashedPath(kind: { name: string; ext: string }, index: number, body: Buffer): string {
  const hash = createHash("sha256").update(body).digest("hex").slice(0, 8);
  return `assets/${kind.name}-${index}.${hash}.${kind.ext}`;
}

export function generateSite(dir: string, count: number, seed = 2000, unhashedEvery = UNHASHED_EVERY): GeneratedSite {
  rmSync(dir, { recursive: true, force: true });
  const random = seededRandom(seed);
  const paths: string[] = [];
  let bytes = 0;
  let hashedFiles = 0;
  for (let i = 0; i < count; i++) {
    const size = KiB + Math.floor(random() * 19 * KiB);
    const body = randomBody(random, size);
    const unhashed = i % unhashedEvery === unhashedEvery - 1;
    const relativePath = unhashed
      ? (() => {
          const kind = UNHASHED_KINDS[i % UNHASHED_KINDS.length]!;
          return `static/${kind.name}-${i}.${kind.ext}`;
        })()
      : hashedPath(HASHED_KINDS[i % HASHED_KINDS.length]!, i, body);
    if (!unhashed) hashedFiles += 1;
    const target = path.join(dir, relativePath);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, body);
    paths.push(relativePath);
    bytes += size;
  }
  return { dir, files: count, hashedFiles, bytes, paths };
}

/**
 * A new build of `site` in which `count` files changed: three quarters are hashed files
 * (new content, so a new name; the old name is gone from the build), the rest unhashed
 * files rewritten in place at the same size (only the stored digest can tell).
 */
export function changeFiles(site: GeneratedSite, count: number, seed: number): void {
  const random = seededRandom(seed);
  const hashed = site.paths.filter((p) => p.startsWith("assets/"));
  const unhashed = site.paths.filter((p) => p.startsWith("static/"));
  const hashedChanges = Math.ceil((count * 3) / 4);
  const pick = (from: string[], n: number) => {
    const chosen = new Set<string>();
    while (chosen.size < Math.min(n, from.length)) chosen.add(from[Math.floor(random() * from.length)]!);
    return [...chosen];
  };
  for (const oldPath of pick(hashed, hashedChanges)) {
    const match = /^assets\/([a-z]+)-(\d+)\.[0-9a-f]{8}\.([a-z0-9]+)$/.exec(oldPath)!;
    const size = KiB + Math.floor(random() * 19 * KiB);
    const body = randomBody(random, size);
    const newPath = hashedPath({ name: match[1]!, ext: match[3]! }, Number(match[2]), body);
    rmSync(path.join(site.dir, oldPath));
    writeFileSync(path.join(site.dir, newPath), body);
    site.paths[site.paths.indexOf(oldPath)] = newPath;
  }
  for (const unhashedPath of pick(unhashed, count - hashedChanges)) {
    const target = path.join(site.dir, unhashedPath);
    const { size } = statSync(target);
    const tmp = `${target}.tmp`;
    writeFileSync(tmp, randomBody(random, size));
    renameSync(tmp, target);
  }
}
