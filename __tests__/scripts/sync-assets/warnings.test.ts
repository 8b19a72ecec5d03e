/**
 * No runtime warning on any run. A sync of ~1,500 files used to print Node's
 * MaxListenersExceededWarning (every request in flight listened on one shared AbortSignal);
 * the command runs here as a user runs it, without the variable that silences the SDK's
 * Node-version notice (the CLI sets it itself).
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { createBucket, directClient, makeBuildDir, manyFiles, startCommand, type CommandResult } from "./helpers";

const FILES = 1500;

let s3: S3Client;
let first: CommandResult;
let again: CommandResult;
beforeAll(async () => {
  s3 = directClient();
  const bucket = await createBucket(s3, "runtime-quiet");
  const dir = await makeBuildDir(manyFiles(FILES));
  const run = (release: string) =>
    startCommand(["--env", "dev", "--dir", dir, "--release", release, "--bucket", bucket, "--json"], {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: undefined,
      NODE_OPTIONS: undefined,
    }).done;
  first = await run("r1");
  again = await run("r2");
}, 180_000);
afterAll(() => s3.destroy());

describe(`a sync of ${FILES} files as a command`, () => {
  it("uploads them all", () => {
    expect({ code: first.code, uploaded: JSON.parse(first.stdout).uploaded }).toEqual({ code: 0, uploaded: FILES });
  });

  it("prints no warning while uploading", () => {
    expect(first.stderr).not.toMatch(/Warning/);
  });

  it("prints no warning on a re-sync with nothing to upload", () => {
    expect({ code: again.code, warnings: again.stderr.match(/.*Warning.*/g) ?? [] }).toEqual({ code: 0, warnings: [] });
  });
});
