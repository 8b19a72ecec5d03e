/**
 * `--dir` and `--run`: manifest reading, dependency order, and the terraform calls, made by
 * the real spawn runner against a stub `terraform` script put first on PATH.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../../../lib/errors";
import { planReview, type PlanReviewIo } from "../../../scripts/plan-review/cli";
import { orderStacks, readManifest, type ManifestStack } from "../../../scripts/plan-review/run-terraform";
import { fixture, tempDir } from "./helpers";

const ENV_ORDER = ["dev", "staging", "prod"];

function stack(id: string, dependencies: string[] = []): ManifestStack {
  return { id, workingDirectory: `/out/stacks/${id}`, dependencies };
}

/** A cdktf.out with manifest.json and one working directory per stack. */
function cdktfOut(stacks: Record<string, string[]>): string {
  const dir = join(tempDir(), "cdktf.out");
  const manifest = {
    version: "0.21.0",
    stacks: Object.fromEntries(
      Object.entries(stacks).map(([id, dependencies]) => [
        id,
        {
          name: id,
          constructPath: id,
          workingDirectory: `stacks/${id}`,
          synthesizedStackPath: `stacks/${id}/cdk.tf.json`,
          annotations: [],
          dependencies,
        },
      ]),
    ),
  };
  mkdirSync(dir);
  for (const id of Object.keys(stacks)) mkdirSync(join(dir, "stacks", id), { recursive: true });
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));
  return dir;
}

/**
 * A `terraform` on PATH that logs `<stack dir> <args>` and prints a plan for `show -json`.
 * `plan` fails in the directory named by STUB_FAIL_IN.
 */
function stubTerraform(): { bin: string; log: string } {
  const root = tempDir("stub-terraform-");
  const bin = join(root, "bin");
  mkdirSync(bin);
  const log = join(root, "calls.log");
  writeFileSync(
    join(bin, "terraform"),
    `#!/bin/sh
echo "$(basename "$PWD") $*" >> "$STUB_LOG"
case "$1" in
  plan)
    if [ "$(basename "$PWD")" = "$STUB_FAIL_IN" ]; then echo "Error: No valid credential sources found" >&2; exit 1; fi
    echo "binary plan" > plan.tfplan ;;
  show) cat "$STUB_PLAN" ;;
esac
`,
  );
  chmodSync(join(bin, "terraform"), 0o755);
  return { bin, log };
}

function io(env: NodeJS.ProcessEnv = process.env): PlanReviewIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (l) => err.push(l), env, terraformLog: () => undefined };
}

async function userError(promise: Promise<unknown>): Promise<UserError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error("expected a UserError");
}

describe("ordering stacks", () => {
  it("puts each stack after the stacks it depends on, against the usual kind order", () => {
    const ordered = orderStacks([stack("dev-app", ["dev-distribution"]), stack("dev-distribution"), stack("dev-dns")], ENV_ORDER);
    expect(ordered.map((s) => s.id)).toEqual(["dev-dns", "dev-distribution", "dev-app"]);
  });

  it("orders independent stacks by environment, then kind", () => {
    const ordered = orderStacks([stack("prod-app"), stack("dev-distribution"), stack("dev-app"), stack("staging-dns")], ENV_ORDER);
    expect(ordered.map((s) => s.id)).toEqual(["dev-app", "dev-distribution", "staging-dns", "prod-app"]);
  });

  it("rejects a dependency cycle, naming the stacks", () => {
    expect(() => orderStacks([stack("dev-app", ["dev-distribution"]), stack("dev-distribution", ["dev-app"])], ENV_ORDER)).toThrow(
      "manifest.json: stack dependencies form a cycle among dev-app, dev-distribution",
    );
  });

  it("rejects a dependency on a stack the manifest does not list", () => {
    expect(() => orderStacks([stack("dev-app", ["dev-network"])], ENV_ORDER)).toThrow(
      'manifest.json: stacks.dev-app.dependencies: unknown stack "dev-network"; known: dev-app',
    );
  });
});

describe("reading cdktf.out", () => {
  it("resolves each stack's working directory inside the output directory", () => {
    const dir = cdktfOut({ "dev-app": [] });
    expect(readManifest(dir)[0].workingDirectory).toBe(join(dir, "stacks", "dev-app"));
  });

  it("names the missing manifest and how to create it", () => {
    expect(() => readManifest("/nonexistent/cdktf.out")).toThrow(
      "/nonexistent/cdktf.out/manifest.json: cannot read the cdktf manifest (no such file); run `npm run synth` first",
    );
  });

  it("names the field of a malformed manifest", () => {
    const dir = cdktfOut({});
    writeFileSync(join(dir, "manifest.json"), JSON.stringify({ stacks: { "dev-app": { name: "dev-app" } } }));
    expect(() => readManifest(dir)).toThrow(`${dir}/manifest.json: stacks.dev-app.workingDirectory:`);
  });

  it("reviews the plan.json next to every stack with --dir", async () => {
    const dir = cdktfOut({ "prod-app": [], "prod-distribution": ["prod-app"] });
    copyFileSync(fixture("snyk__cli__tf-plan-destroy.json"), join(dir, "stacks", "prod-app", "plan.json"));
    copyFileSync(fixture("hashicorp__terraform__show-json-moved.json"), join(dir, "stacks", "prod-distribution", "plan.json"));
    const cli = io();
    await planReview(["--dir", dir, "--format", "json", "--protect-envs", "prod"], cli);
    expect(JSON.parse(cli.out.join("")).stacks.map((s: { id: string; counts: { delete: number } }) => [s.id, s.counts.delete])).toEqual([
      ["prod-app", 8],
      ["prod-distribution", 0],
    ]);
  });

  it("lists every stack whose plan.json is missing, with how to write it", async () => {
    const dir = cdktfOut({ "prod-app": [], "prod-distribution": [] });
    copyFileSync(fixture("snyk__cli__tf-plan-destroy.json"), join(dir, "stacks", "prod-app", "plan.json"));
    const error = await userError(planReview(["--dir", dir, "--protect-envs", "prod"], io()));
    expect(error.message).toContain(`no plan.json for 1 of 2 stacks:\n  ${join(dir, "stacks", "prod-distribution", "plan.json")} (stack prod-distribution)`);
  });
});

describe("--run with terraform on PATH", () => {
  const stub = stubTerraform();
  const env = (extra: Record<string, string> = {}) => ({
    ...process.env,
    PATH: `${stub.bin}:${process.env.PATH}`,
    STUB_LOG: stub.log,
    STUB_PLAN: fixture("hashicorp__terraform__show-json-basic-delete.json"),
    ...extra,
  });
  const callsAfter = (start: number) => readFileSync(stub.log, "utf8").split("\n").slice(start).filter(Boolean);
  const callCount = () => (existsSync(stub.log) ? readFileSync(stub.log, "utf8").split("\n").filter(Boolean).length : 0);

  it("runs init, plan and show in every stack, dependencies first", async () => {
    const dir = cdktfOut({ "dev-app": ["dev-dns"], "dev-dns": [], "dev-distribution": ["dev-app", "dev-dns"] });
    const start = callCount();
    await planReview(["--dir", dir, "--run", "--protect-envs", "prod"], io(env()));
    expect(callsAfter(start)).toEqual([
      "dev-dns init -input=false",
      "dev-dns plan -input=false -out=plan.tfplan",
      "dev-dns show -json plan.tfplan",
      "dev-app init -input=false",
      "dev-app plan -input=false -out=plan.tfplan",
      "dev-app show -json plan.tfplan",
      "dev-distribution init -input=false",
      "dev-distribution plan -input=false -out=plan.tfplan",
      "dev-distribution show -json plan.tfplan",
    ]);
  });

  it("writes terraform show's output to plan.json in the stack directory", async () => {
    const dir = cdktfOut({ "dev-app": [] });
    await planReview(["--dir", dir, "--run", "--protect-envs", "prod"], io(env()));
    expect(readFileSync(join(dir, "stacks", "dev-app", "plan.json"), "utf8")).toBe(
      readFileSync(fixture("hashicorp__terraform__show-json-basic-delete.json"), "utf8"),
    );
  });

  it("reviews the plans it produced", async () => {
    const dir = cdktfOut({ "dev-app": [] });
    const cli = io(env());
    await planReview(["--dir", dir, "--run", "--format", "json", "--protect-envs", "prod"], cli);
    expect(JSON.parse(cli.out.join("")).totals.delete).toBe(1);
  });

  it("fails with exit 1 naming the stack whose terraform plan failed", async () => {
    const dir = cdktfOut({ "prod-dns": [], "prod-app": ["prod-dns"] });
    const error = await userError(planReview(["--dir", dir, "--run", "--protect-envs", "prod"], io(env({ STUB_FAIL_IN: "prod-dns" }))));
    expect([error.exitCode, error.message]).toEqual([
      1,
      `stack prod-dns: \`terraform plan -input=false -out=plan.tfplan\` failed in ${join(dir, "stacks", "prod-dns")}: terraform exited with code 1; its output is above`,
    ]);
  });

  it("stops at the failing stack without planning the stacks that depend on it", async () => {
    const dir = cdktfOut({ "prod-dns": [], "prod-app": ["prod-dns"] });
    const start = callCount();
    await userError(planReview(["--dir", dir, "--run", "--protect-envs", "prod"], io(env({ STUB_FAIL_IN: "prod-dns" }))));
    expect(callsAfter(start).filter((call) => call.startsWith("prod-app"))).toEqual([]);
  });

  it("says terraform could not be started when it is not executable", async () => {
    const dir = cdktfOut({ "dev-app": [] });
    const bin = tempDir();
    writeFileSync(join(bin, "terraform"), "#!/bin/sh\n");
    chmodSync(join(bin, "terraform"), 0o644);
    const error = await userError(planReview(["--dir", dir, "--run", "--protect-envs", "prod"], io({ ...env(), PATH: bin })));
    expect(error.message).toMatch(/terraform could not be started \(.*EACCES/);
  });

  it("says terraform is missing when it is not on PATH", async () => {
    const dir = cdktfOut({ "dev-app": [] });
    const error = await userError(planReview(["--dir", dir, "--run", "--protect-envs", "prod"], io({ ...env(), PATH: tempDir() })));
    expect(error.message).toContain("terraform was not found on PATH");
  });
});
