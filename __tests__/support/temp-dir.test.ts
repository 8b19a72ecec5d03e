import { existsSync } from "node:fs";
import { removeTempDirs, tempDir } from "./temp-dir";

describe("tempDir", () => {
  it("makes a new folder each time", () => {
    expect(tempDir("temp-dir-test-")).not.toBe(tempDir("temp-dir-test-"));
  });

  it("has every folder it made removed by removeTempDirs (run after each test file)", () => {
    const dirs = [tempDir("temp-dir-test-"), tempDir("temp-dir-test-")];
    removeTempDirs();
    expect(dirs.filter((dir) => existsSync(dir))).toEqual([]);
  });
});
