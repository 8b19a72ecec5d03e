/**
 * The packages behind the Lambda versions in moto, by the digest moto records for each
 * version (`CodeSha256`: base64 of the zip's SHA-256, as Lambda reports it).
 *
 * On AWS the edge would download a version's package from GetFunction's `Code.Location` (a
 * presigned URL). moto 5.2 keeps a package's bytes in memory only and answers with an
 * address on a host that does not exist (`awslambda-<region>-tasks.s3.<region>.amazonaws.com`,
 * moto/awslambda/models.py `get_code`), so the deploy step registers every zip it uploads
 * here, and the edge runs the one whose digest moto names for the version, checking the
 * bytes against it. A version whose digest matches no uploaded package cannot run.
 *
 * Unpacked packages are cached by digest under the system's temporary folder: outside the
 * workspace, so a module missing from a package is not found in the workspace's
 * node_modules by accident (on Lambda, /var/task has nothing above it either).
 */
import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { unzipSync } from "fflate";

/** `CodeSha256` of a package, as Lambda computes it. */
export function codeSha256(zip: Uint8Array): string {
  return createHash("sha256").update(zip).digest("base64");
}

export const DEFAULT_UNPACK_DIR = path.join(tmpdir(), "local-lambda-code");

export class LambdaCodeStore {
  private readonly packages = new Map<string, string>();

  constructor(private readonly unpackDir: string = DEFAULT_UNPACK_DIR) {}

  /** Records a package the deploy step uploads; returns its CodeSha256. */
  register(zipFile: string): string {
    const digest = codeSha256(readFileSync(zipFile));
    this.packages.set(digest, zipFile);
    return digest;
  }

  /**
   * The folder holding the package with this CodeSha256, unpacked (once per digest). Throws
   * when no registered package has that digest.
   */
  unpacked(digest: string): string {
    const dir = path.join(this.unpackDir, Buffer.from(digest, "base64").toString("hex"));
    const complete = path.join(dir, ".unpacked");
    if (existsSync(complete)) return dir;
    const zipFile = this.packages.get(digest);
    if (!zipFile) throw new Error(`no uploaded package has CodeSha256 ${digest}; the version's code cannot be run here`);
    const zip = readFileSync(zipFile);
    if (codeSha256(zip) !== digest) throw new Error(`${zipFile} changed since it was uploaded (CodeSha256 no longer ${digest})`);
    const temporary = `${dir}.${process.pid}.tmp`;
    rmSync(temporary, { recursive: true, force: true });
    mkdirSync(temporary, { recursive: true });
    for (const [name, bytes] of Object.entries(unzipSync(zip))) {
      if (name.endsWith("/")) continue;
      const file = path.join(temporary, name);
      if (!file.startsWith(temporary + path.sep)) throw new Error(`${zipFile}: entry ${JSON.stringify(name)} points outside the package`);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, bytes);
    }
    writeFileSync(path.join(temporary, ".unpacked"), digest);
    try {
      renameSync(temporary, dir);
    } catch (error) {
      // Another process unpacked the same digest first: same bytes, keep theirs.
      rmSync(temporary, { recursive: true, force: true });
      if (!existsSync(complete)) throw error;
    }
    return dir;
  }
}

/** ELF `e_machine` values (System V ABI) of the CPUs Lambda offers. */
const ELF_MACHINES: Readonly<Record<number, "x86_64" | "arm64">> = { 0x3e: "x86_64", 0xb7: "arm64" };

/**
 * The first native library (`*.node` addon or `*.so`) in `dir` built for a CPU other than
 * `host`, read from its ELF header; undefined when every one runs here (or there is none).
 */
export function foreignNativeCode(dir: string, host: string): { readonly file: string; readonly architecture: string } | undefined {
  const walk = (relative: string): { file: string; architecture: string } | undefined => {
    for (const entry of readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const child = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        const found = walk(child);
        if (found) return found;
      } else if (/\.node$|\.so(\.\d+)*$/.test(entry.name)) {
        const architecture = elfArchitecture(path.join(dir, child));
        if (architecture && architecture !== host) return { file: child, architecture };
      }
    }
    return undefined;
  };
  return walk("");
}

function elfArchitecture(file: string): string | undefined {
  const header = Buffer.alloc(20);
  const fd = openSync(file, "r");
  try {
    if (readSync(fd, header, 0, 20, 0) < 20) return undefined;
  } finally {
    closeSync(fd);
  }
  if (header.readUInt32BE(0) !== 0x7f454c46) return undefined;
  const machine = header[5] === 2 ? header.readUInt16BE(18) : header.readUInt16LE(18);
  return ELF_MACHINES[machine] ?? `ELF machine ${machine}`;
}
