/**
 * The packages behind moto's versions: found by the CodeSha256 moto records, checked against
 * it, unpacked once; and native libraries read by their ELF header to tell which CPU they need.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { zipSync } from "fflate";
import { codeSha256, foreignNativeCode, LambdaCodeStore } from "../../../scripts/e2e-local/lambda-code";
import { tempDir } from "../../support/app-builds";

function elf(machine: number): Buffer {
  const header = Buffer.alloc(64);
  header.writeUInt32BE(0x7f454c46, 0);
  header[4] = 2;
  header[5] = 1;
  header.writeUInt16LE(machine, 18);
  return header;
}

function folder(files: Record<string, Buffer | string>): string {
  const dir = tempDir("native-");
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), bytes);
  }
  return dir;
}

describe("foreignNativeCode", () => {
  it("names an addon built for another CPU, with that CPU", () => {
    expect(foreignNativeCode(folder({ "node_modules/sharp/sharp.node": elf(0xb7) }), "x86_64")).toEqual({ file: "node_modules/sharp/sharp.node", architecture: "arm64" });
  });

  it("finds versioned shared libraries too", () => {
    expect(foreignNativeCode(folder({ "lib/libvips-cpp.so.8.18.7": elf(0x3e) }), "arm64")?.architecture).toBe("x86_64");
  });

  it("accepts native code for this CPU", () => {
    expect(foreignNativeCode(folder({ "a.node": elf(0x3e) }), "x86_64")).toBeUndefined();
  });

  it("ignores files with a native name that are not ELF", () => {
    expect(foreignNativeCode(folder({ "fake.node": "not a library" }), "x86_64")).toBeUndefined();
  });
});

describe("LambdaCodeStore", () => {
  const zip = Buffer.from(zipSync({ "index.js": Buffer.from("exports.handler = 1;") }));
  const zipFile = path.join(tempDir("zip-"), "package.zip");
  writeFileSync(zipFile, zip);

  it("unpacks the registered package with the digest moto names", () => {
    const store = new LambdaCodeStore(tempDir("unpacked-"));
    const dir = store.unpacked(store.register(zipFile));
    expect(readFileSync(path.join(dir, "index.js"), "utf8")).toBe("exports.handler = 1;");
  });

  it("refuses a digest no uploaded package has", () => {
    const store = new LambdaCodeStore(tempDir("unpacked-"));
    expect(() => store.unpacked(codeSha256(Buffer.from("other")))).toThrow(/no uploaded package has CodeSha256/);
  });

  it("refuses a package whose bytes changed since it was uploaded", () => {
    const file = path.join(tempDir("zip-"), "package.zip");
    writeFileSync(file, zip);
    const store = new LambdaCodeStore(tempDir("unpacked-"));
    const digest = store.register(file);
    writeFileSync(file, Buffer.concat([zip, Buffer.from("x")]));
    expect(() => store.unpacked(digest)).toThrow(/changed since it was uploaded/);
  });
});
