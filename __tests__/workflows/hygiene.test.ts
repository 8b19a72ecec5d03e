/**
 * Rules every workflow keeps: scripts that exist, no secrets in logs, no injection through
 * expressions, concurrency per environment, least-privilege permissions, pinned actions,
 * Node from .nvmrc, Terraform 1.11 without its output-mangling wrapper.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { actionName, allJobs, allSteps, callerJobs, environmentName, loadWorkflows, ROOT, usesAction, type Job } from "./support";

const packageJson = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
const workflows = loadWorkflows();
const steps = allSteps();
const jobs = allJobs();

const where = (wf: { file: string }, jobId: string, step?: { name?: string; uses?: string; run?: string }) =>
  `${wf.file} › ${jobId}${step ? ` › ${step.name ?? step.uses ?? step.run?.split("\n")[0]}` : ""}`;

/** Jobs that act on one environment's AWS account. */
const awsJobs = jobs.filter(({ job }) => usesAction(job, "aws-actions/configure-aws-credentials"));

/**
 * Where an AWS job's environment object comes from: its matrix (ci, drift), the calling
 * workflow's input (deploy-environment.yml) or the job that checked the input (rollback.yml);
 * each is an entry of `npm run environments -- --json`.
 */
const ENVIRONMENT_OBJECT = /^(matrix\.env|fromJSON\(inputs\.environment\)|fromJSON\(needs\.environment\.outputs\.json\))$/;
const fromEnvironmentObject = (expression: unknown, field: string) => {
  const m = new RegExp(`^\\$\\{\\{ (.+)\\.${field} \\}\\}$`).exec(String(expression));
  return m !== null && ENVIRONMENT_OBJECT.test(m[1]!);
};

describe("workflow files", () => {
  it("are the six the pipeline consists of", () => {
    expect(workflows.map((w) => w.file)).toEqual(["ci.yml", "deploy-environment.yml", "deploy.yml", "drift.yml", "mutation.yml", "rollback.yml"]);
  });
});

describe("run: steps", () => {
  const runSteps = steps.filter(({ step }) => typeof step.run === "string");

  it("only call npm scripts that package.json defines", () => {
    const missing = runSteps.flatMap(({ wf, jobId, step }) =>
      [...step.run!.matchAll(/\bnpm run(?:\s+--?[\w-]+)*\s+([\w:.-]+)/g)]
        .map((m) => m[1]!)
        .filter((script) => !(script in packageJson.scripts))
        .map((script) => `${where(wf, jobId, step)}: npm run ${script}`),
    );
    expect(missing).toEqual([]);
  });

  it("call npm scripts somewhere at all (the check above is not vacuous)", () => {
    expect(runSteps.filter(({ step }) => /\bnpm run\b/.test(step.run!)).length).toBeGreaterThan(20);
  });

  it("never expand a secret in the script itself", () => {
    const offenders = runSteps.filter(({ step }) => /\$\{\{\s*secrets\./.test(step.run!)).map(({ wf, jobId, step }) => where(wf, jobId, step));
    expect(offenders).toEqual([]);
  });

  it("never print a variable that holds a secret", () => {
    const offenders = runSteps.flatMap(({ wf, jobId, job, step }) => {
      const env = { ...(wf.env ?? {}), ...(job.env ?? {}), ...(step.env ?? {}) };
      const secretVars = Object.entries(env)
        .filter(([, value]) => /\bsecrets\./.test(String(value)))
        .map(([name]) => name);
      return secretVars
        .filter((name) =>
          step.run!.split("\n").some((line) => /\b(echo|printf|cat|tee)\b/.test(line) && new RegExp(`\\$\\{?${name}\\b`).test(line)),
        )
        .map((name) => `${where(wf, jobId, step)} prints $${name}`);
    });
    expect(offenders).toEqual([]);
  });

  it("never trace commands (set -x) where a secret is in the environment", () => {
    const offenders = runSteps
      .filter(({ step }) => /\bset\s+-[a-z]*x/.test(step.run!) && /\bsecrets\./.test(JSON.stringify(step.env ?? {})))
      .map(({ wf, jobId, step }) => where(wf, jobId, step));
    expect(offenders).toEqual([]);
  });

  it("take user input only through environment variables, never spliced into the script", () => {
    const offenders = runSteps
      .filter(({ step }) => /\$\{\{\s*(inputs\.|github\.event\.|github\.head_ref)/.test(step.run!))
      .map(({ wf, jobId, step }) => where(wf, jobId, step));
    expect(offenders).toEqual([]);
  });
});

describe("secrets", () => {
  it("are used only as step environment variables", () => {
    const lines = workflows.flatMap((wf) =>
      wf.text
        .split("\n")
        .map((line, i) => ({ line, at: `${wf.file}:${i + 1}` }))
        .filter(({ line }) => /secrets\./.test(line) && !/^\s+[A-Z][A-Z0-9_]*: \$\{\{ secrets\.[A-Z0-9_]+ \}\}$/.test(line)),
    );
    expect(lines).toEqual([]);
  });

  it("are the Slack webhook only: AWS access goes through OIDC", () => {
    const names = new Set(workflows.flatMap((wf) => [...wf.text.matchAll(/secrets\.([A-Z0-9_]+)/g)].map((m) => m[1])));
    expect([...names]).toEqual(["SLACK_WEBHOOK_URL"]);
  });
});

describe("concurrency", () => {
  const mutating = awsJobs.filter(({ wf }) => wf.file !== "ci.yml");

  it("covers the deploy, rollback and drift jobs (the checks below are not vacuous)", () => {
    expect(mutating.map(({ wf, id }) => where(wf, id)).sort()).toEqual(["deploy-environment.yml › deploy", "drift.yml › drift", "rollback.yml › rollback"]);
  });

  it.each(mutating.map(({ wf, id, job }) => [where(wf, id), job] as const))("%s has a concurrency group of its environment", (_name, job: Job) => {
    const group = typeof job.concurrency === "string" ? job.concurrency : job.concurrency?.group;
    const m = /^[a-z]+-(\$\{\{ .+ \}\})$/.exec(String(group));
    expect(m !== null && fromEnvironmentObject(m[1], "name")).toBe(true);
  });

  it.each(mutating.map(({ wf, id, job }) => [where(wf, id), job] as const))("%s never cancels a run in progress", (_name, job: Job) => {
    expect(typeof job.concurrency === "object" && job.concurrency["cancel-in-progress"] === false).toBe(true);
  });

  it("gives each environment's deploy its own group, named after the environment", () => {
    const job = jobs.find(({ wf, id }) => wf.file === "deploy-environment.yml" && id === "deploy")!.job;
    expect(typeof job.concurrency === "object" ? job.concurrency.group : job.concurrency).toBe("deploy-${{ fromJSON(inputs.environment).name }}");
  });

  it("never cancels anything in deploy, rollback or drift at the workflow level", () => {
    // ci.yml and mutation.yml only read: a newer push may cancel their older run.
    expect(workflows.filter((wf) => !["ci.yml", "mutation.yml"].includes(wf.file) && wf.concurrency !== undefined).map((wf) => wf.file)).toEqual([]);
  });
});

describe("permissions", () => {
  it.each(workflows.map((wf) => [wf.file, wf] as const))("%s grants only contents: read by default", (_file, wf) => {
    expect(wf.permissions).toEqual({ contents: "read" });
  });

  it("grant id-token: write exactly to the jobs that assume an AWS role, and the jobs that call them", () => {
    const callers = callerJobs().filter(({ called }) => Object.values(called.jobs).some((job) => usesAction(job, "aws-actions/configure-aws-credentials")));
    const withToken = [...jobs, ...callerJobs()].filter(({ job }) => typeof job.permissions === "object" && job.permissions["id-token"] === "write");
    expect(withToken.map(({ wf, id }) => where(wf, id)).sort()).toEqual([...awsJobs, ...callers].map(({ wf, id }) => where(wf, id)).sort());
  });

  it("grant pull-requests: write only to the job that posts the plan comment", () => {
    const writers = jobs.filter(({ job }) => typeof job.permissions === "object" && job.permissions["pull-requests"] === "write");
    expect(writers.map(({ wf, id }) => where(wf, id))).toEqual(["ci.yml › plan-review"]);
  });

  it("grant no other write access anywhere", () => {
    const writes = [...jobs, ...callerJobs()].flatMap(({ wf, id, job }) =>
      typeof job.permissions === "string"
        ? [`${where(wf, id)}: ${job.permissions}`]
        : Object.entries(job.permissions ?? {})
            .filter(([scope, level]) => level === "write" && scope !== "id-token" && scope !== "pull-requests")
            .map(([scope]) => `${where(wf, id)}: ${scope}`),
    );
    expect(writes).toEqual([]);
  });

  it("keep a job's token away from git: checkout never persists credentials", () => {
    const persisting = steps.filter(({ step }) => step.uses?.startsWith("actions/checkout@") && step.with?.["persist-credentials"] !== false);
    expect(persisting.map(({ wf, jobId }) => where(wf, jobId))).toEqual([]);
  });
});

describe("actions", () => {
  const uses = workflows.flatMap((wf) =>
    wf.text
      .split("\n")
      .map((line) => /^\s*(?:-\s+)?uses:\s*(\S+)\s*(?:#\s*(\S+))?/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      // A reusable workflow of this repository (`./.github/workflows/…`) is pinned by being here.
      .filter((m) => !m[1]!.startsWith("./"))
      .map((m) => ({ file: wf.file, ref: m[1]!, comment: m[2] })),
  );

  it("are pinned to full commit SHAs", () => {
    expect(uses.filter((u) => !/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(u.ref)).map((u) => `${u.file}: ${u.ref}`)).toEqual([]);
  });

  it("say which version each SHA is", () => {
    expect(uses.filter((u) => !/^v\d+\.\d+\.\d+$/.test(u.comment ?? "")).map((u) => `${u.file}: ${u.ref}`)).toEqual([]);
  });

  it("are pinned to one version per action across all workflows", () => {
    const versions = new Map<string, Set<string>>();
    for (const u of uses) versions.set(actionName(u.ref), (versions.get(actionName(u.ref)) ?? new Set()).add(u.ref));
    expect([...versions].filter(([, refs]) => refs.size > 1).map(([name]) => name)).toEqual([]);
  });

  /** Inputs of the pinned versions, from each action's action.yml at that commit. */
  const INPUTS: Record<string, readonly string[]> = {
    "actions/checkout": ["repository", "ref", "token", "ssh-key", "ssh-known-hosts", "ssh-strict", "ssh-user", "persist-credentials", "path", "clean", "filter", "sparse-checkout", "sparse-checkout-cone-mode", "fetch-depth", "fetch-tags", "show-progress", "lfs", "submodules", "set-safe-directory", "github-server-url", "allow-unsafe-pr-checkout"],
    "actions/setup-node": ["node-version", "node-version-file", "architecture", "check-latest", "registry-url", "scope", "token", "cache", "package-manager-cache", "cache-dependency-path", "mirror", "mirror-token"],
    "actions/upload-artifact": ["name", "path", "if-no-files-found", "retention-days", "compression-level", "overwrite", "include-hidden-files", "archive"],
    "actions/download-artifact": ["name", "artifact-ids", "path", "pattern", "merge-multiple", "github-token", "repository", "run-id", "skip-decompress", "digest-mismatch"],
    "aws-actions/configure-aws-credentials": ["action-timeout-s", "allowed-account-ids", "audience", "aws-access-key-id", "aws-profile", "aws-region", "aws-secret-access-key", "aws-session-token", "custom-tags", "disable-retry", "force-skip-oidc", "http-proxy", "inline-session-policy", "managed-session-policies", "mask-aws-account-id", "no-proxy", "output-credentials", "output-env-credentials", "overwrite-aws-profile", "retry-max-attempts", "role-chaining", "role-duration-seconds", "role-external-id", "role-session-name", "role-skip-session-tagging", "role-to-assume", "special-characters-workaround", "sts-endpoint", "transitive-tag-keys", "unset-current-credentials", "use-existing-credentials", "web-identity-token-file"],
    "hashicorp/setup-terraform": ["cli_config_credentials_hostname", "cli_config_credentials_token", "terraform_version", "terraform_wrapper"],
    "actions/github-script": ["script", "github-token", "debug", "user-agent", "previews", "result-encoding", "retries", "retry-exempt-status-codes", "base-url"],
  };

  it("are all ones whose inputs this test knows", () => {
    expect([...new Set(uses.map((u) => actionName(u.ref)))].filter((name) => !(name in INPUTS))).toEqual([]);
  });

  it("get only inputs their pinned version declares", () => {
    const unknown = steps
      .filter(({ step }) => step.uses !== undefined)
      .flatMap(({ wf, jobId, step }) =>
        Object.keys(step.with ?? {})
          .filter((input) => !(INPUTS[actionName(step.uses!)] ?? []).includes(input))
          .map((input) => `${where(wf, jobId, step)}: ${input}`),
      );
    expect(unknown).toEqual([]);
  });
});

describe("tool setup", () => {
  const setups = steps.filter(({ step }) => step.uses?.startsWith("actions/setup-node@"));
  /**
   * Jobs that assume an AWS role, hold a write token or see a secret: setup-node's README
   * advises disabling its cache "for workflows with elevated privileges or access to
   * sensitive information" (a poisoned cache restored there runs with those rights).
   */
  const privileged = ({ job }: { job: Job }) =>
    (typeof job.permissions === "object" && Object.values(job.permissions).includes("write")) ||
    job.steps.some((s) => /\bsecrets\./.test(JSON.stringify(s.env ?? {})));

  it("takes Node from .nvmrc everywhere", () => {
    expect([setups.length > 0, setups.filter(({ step }) => step.with?.["node-version-file"] !== ".nvmrc").map(({ wf, jobId }) => where(wf, jobId))]).toEqual([true, []]);
  });

  it("never restores the npm cache in a job that assumes an AWS role, holds a write token or sees a secret", () => {
    const cached = setups.filter((s) => privileged(s) && (s.step.with?.cache !== undefined || s.step.with?.["package-manager-cache"] !== false));
    expect([setups.filter(privileged).length > 5, cached.map(({ wf, jobId }) => where(wf, jobId))]).toEqual([true, []]);
  });

  it("uses the npm cache in every other job", () => {
    expect(setups.filter((s) => !privileged(s) && s.step.with?.cache !== "npm").map(({ wf, jobId }) => where(wf, jobId))).toEqual([]);
  });

  it("sets up Node in every job that runs npm or npx", () => {
    const missing = jobs.filter(({ job }) => job.steps.some((s) => /\bnp[mx]\b/.test(s.run ?? "")) && !usesAction(job, "actions/setup-node"));
    expect(missing.map(({ wf, id }) => where(wf, id))).toEqual([]);
  });

  it("installs Terraform 1.11 without the wrapper, whose output breaks show -json", () => {
    const setups = steps.filter(({ step }) => step.uses?.startsWith("hashicorp/setup-terraform@"));
    expect(setups.length).toBeGreaterThan(0);
    for (const { wf, step } of setups) {
      expect([step.with?.terraform_wrapper, step.with?.terraform_version]).toEqual([false, "${{ env.TERRAFORM_VERSION }}"]);
      expect(String(wf.env?.TERRAFORM_VERSION)).toMatch(/^1\.11\.\d+$/);
    }
  });

  it("sets up Terraform in every job that runs it", () => {
    const missing = jobs.filter(({ job }) => job.steps.some((s) => /terraform-plan\.sh|cdktf deploy/.test(s.run ?? "")) && !usesAction(job, "hashicorp/setup-terraform"));
    expect(missing.map(({ wf, id }) => where(wf, id))).toEqual([]);
  });

  it("gets AWS credentials only by assuming a role from a repository variable (OIDC), never from keys", () => {
    const creds = steps.filter(({ step }) => step.uses?.startsWith("aws-actions/configure-aws-credentials@"));
    const bad = creds.filter(({ step }) => !/^\$\{\{ vars[.[]/.test(String(step.with?.["role-to-assume"])) || "aws-access-key-id" in (step.with ?? {}));
    expect([creds.length > 0, bad.map(({ wf, jobId }) => where(wf, jobId))]).toEqual([true, []]);
  });

  it("passes allowed-account-ids with the environment's account id from its config to every role assumption", () => {
    const creds = steps.filter(({ step }) => step.uses?.startsWith("aws-actions/configure-aws-credentials@"));
    const bad = creds.filter(({ step }) => !fromEnvironmentObject(step.with?.["allowed-account-ids"], "account"));
    expect([creds.length, bad.map(({ wf, jobId }) => where(wf, jobId))]).toEqual([awsJobs.length, []]);
  });

  it("takes every role assumption's region from the environment's config, never a repository variable", () => {
    const creds = steps.filter(({ step }) => step.uses?.startsWith("aws-actions/configure-aws-credentials@"));
    const bad = creds.filter(({ step }) => !fromEnvironmentObject(step.with?.["aws-region"], "region"));
    expect([bad.map(({ wf, jobId }) => where(wf, jobId)), workflows.filter((wf) => /vars\.AWS_REGION\b/.test(wf.text)).map((wf) => wf.file)]).toEqual([[], []]);
  });

  it("takes every role from the variable the environment's config names", () => {
    const creds = steps.filter(({ step }) => step.uses?.startsWith("aws-actions/configure-aws-credentials@"));
    const bad = creds.filter(({ step }) => {
      const m = /^\$\{\{ vars\[([^\]]+)\.(?:roleVariable|planRoleVariable)\] \}\}$/.exec(String(step.with?.["role-to-assume"]));
      return m === null || !ENVIRONMENT_OBJECT.test(m[1]!);
    });
    expect(bad.map(({ wf, jobId }) => where(wf, jobId))).toEqual([]);
  });

  it("disables the cdktf telemetry check in every workflow", () => {
    expect(workflows.filter((wf) => wf.env?.CHECKPOINT_DISABLE !== "1").map((wf) => wf.file)).toEqual([]);
  });
});

describe("failure handling", () => {
  const notices = steps.filter(({ step }) => /\bnpm run notify -- --status (failure|rollback)\b/.test(step.run ?? "") && String(step.if ?? "").includes("failure()"));

  it("covers some notices at all (the checks below are not vacuous)", () => {
    expect(notices.length).toBeGreaterThan(3);
  });

  it("posts failure and rollback notices on cancellation and timeout too, not only on failure()", () => {
    expect(notices.filter(({ step }) => !String(step.if).includes("failure() || cancelled()")).map(({ wf, jobId, step }) => where(wf, jobId, step))).toEqual([]);
  });

  it("looks up the failed step on cancellation and timeout too, wherever a notice needs it", () => {
    const lookups = steps.filter(({ step }) => /failed-step\.ts/.test(step.run ?? "") && step.if !== undefined);
    expect(lookups.filter(({ step }) => !String(step.if).includes("failure() || cancelled()")).map(({ wf, jobId }) => where(wf, jobId))).toEqual([]);
  });

  it("never runs the release tools with --json through npm without --silent (npm's banner would corrupt stdout)", () => {
    const noisy = steps.filter(({ step }) => (step.run ?? "").split("\n").some((line) => /\bnpm run (release|rollback|releases)\b.*--json/.test(line)));
    expect(noisy.map(({ wf, jobId, step }) => where(wf, jobId, step))).toEqual([]);
  });
});

describe("jobs", () => {
  it("all have a timeout", () => {
    expect(jobs.filter(({ job }) => typeof job["timeout-minutes"] !== "number").map(({ wf, id }) => where(wf, id))).toEqual([]);
  });

  it("that deploy or roll back run in a GitHub environment", () => {
    const mutating = awsJobs.filter(({ wf }) => wf.file === "deploy-environment.yml" || wf.file === "rollback.yml");
    expect(mutating.filter(({ job }) => environmentName(job) === undefined).map(({ wf, id }) => where(wf, id))).toEqual([]);
  });
});

describe("cross-references", () => {
  /** The pipeline's own sources: workflows, their scripts, the E2E suite and its local edge. */
  const SOURCES = [".github/workflows", ".github/scripts", "e2e", "scripts/e2e-local"];

  it("cite only test and script files that exist", () => {
    const cited = SOURCES.flatMap((dir) =>
      readdirSync(path.join(ROOT, dir))
        .filter((file) => /\.(ts|ya?ml|sh)$/.test(file))
        .flatMap((file) => {
          const text = readFileSync(path.join(ROOT, dir, file), "utf8");
          return [...text.matchAll(/(?:__tests__|scripts|\.github)\/[\w./-]+\.(?:test\.ts|ts|sh|mjs)\b/g)].map((m) => ({ at: `${dir}/${file}`, cites: m[0] }));
        }),
    );
    expect([cited.length > 5, cited.filter(({ cites }) => !existsSync(path.join(ROOT, cites))).map(({ at, cites }) => `${at} cites ${cites}`)]).toEqual([true, []]);
  });
});
