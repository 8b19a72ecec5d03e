import { buildApp, type ShellRunner } from "../../../scripts/app/cli";
import { WORKSPACE_ROOT } from "../../../lib/app-build/config";
import { captureOutput } from "../../support/output";

const resolved = { dir: "/workspace/web/.open-next", kind: "auto", source: "app.config.ts dir", build: "cd web && npx open-next build" } as const;

function recorder(exitCode = 0): { run: ShellRunner; calls: [string, string][] } {
  const calls: [string, string][] = [];
  return { calls, run: async (command, cwd) => (calls.push([command, cwd]), exitCode) };
}

describe("npm run app -- --build", () => {
  const output = captureOutput();

  it("runs app.config.ts's build command from the workspace root", async () => {
    const { run, calls } = recorder();
    await buildApp(resolved, {}, run);
    expect([calls, output.stderr]).toEqual([[["cd web && npx open-next build", WORKSPACE_ROOT]], `app: building with \`cd web && npx open-next build\` in ${WORKSPACE_ROOT}\n`]);
  });

  it("fails with the command and its exit code when the build fails", async () => {
    await expect(buildApp(resolved, {}, recorder(3).run)).rejects.toThrow(
      "app.config.ts build command `cd web && npx open-next build` failed (exit 3); its output is above",
    );
  });

  it("refuses under APP_DIR, which names a build made elsewhere, without running anything", async () => {
    const { run, calls } = recorder();
    await expect(buildApp(resolved, { APP_DIR: "../other" }, run)).rejects.toThrow(/APP_DIR names a build made elsewhere/);
    expect(calls).toEqual([]);
  });

  it("says how to add a build command when app.config.ts has none", async () => {
    const { build: _, ...withoutBuild } = resolved;
    await expect(buildApp(withoutBuild, {}, recorder().run)).rejects.toThrow(/app\.config\.ts has no build command: add `build: /);
  });
});
