/**
 * .github/scripts/check-environment.ts: a deploy or rollback job stops unless its GitHub
 * environment lets only main deploy (the deploy roles trust the environment's OIDC subject).
 */
import { judgeBranchPolicy, main, readBranchPolicy } from "../../.github/scripts/check-environment";
import { allJobs, environmentName } from "./support";

const custom = { protected_branches: false, custom_branch_policies: true } as const;

describe("judging a deployment branch policy", () => {
  it("accepts selected branches that are main alone", () => {
    expect(judgeBranchPolicy("staging", "main", custom, [{ name: "main", type: "branch" }]).ok).toBe(true);
  });

  it("refuses an environment every branch may deploy from, saying how to fix it", () => {
    expect(judgeBranchPolicy("staging", "main", null, undefined).message).toBe(
      "GitHub environment staging lets every branch deploy (no deployment branch policy); fix: Settings → Environments → staging → " +
        'Deployment branches and tags → "Selected branches and tags" with only the branch main (docs: the pipeline\'s setup steps)',
    );
  });

  it("refuses 'protected branches', which may be more than main", () => {
    expect(judgeBranchPolicy("dev", "main", { protected_branches: true, custom_branch_policies: false }, undefined).message).toMatch(/lets every protected branch deploy/);
  });

  it("refuses a pattern or tag besides main, naming it", () => {
    expect(judgeBranchPolicy("dev", "main", custom, [{ name: "main" }, { name: "release/*", type: "branch" }, { name: "v*", type: "tag" }]).message).toMatch(
      /also lets branch "release\/\*", tag "v\*" deploy/,
    );
  });

  it("refuses a tag named main", () => {
    expect(judgeBranchPolicy("dev", "main", custom, [{ name: "main", type: "tag" }]).ok).toBe(false);
  });
});

describe("reading the policy through the REST API", () => {
  const answers = (byPath: Record<string, { status: number; body?: unknown }>) => {
    const asked: string[] = [];
    return {
      asked,
      fetchJson: async (path: string) => {
        asked.push(path);
        return { status: byPath[path]?.status ?? 404, body: byPath[path]?.body };
      },
    };
  };

  it("lists the selected branches only when the environment has custom ones", async () => {
    const api = answers({
      "/environments/production-rollback": { status: 200, body: { deployment_branch_policy: custom } },
      "/environments/production-rollback/deployment-branch-policies?per_page=100": { status: 200, body: { total_count: 1, branch_policies: [{ name: "main", type: "branch" }] } },
    });
    expect([await readBranchPolicy("production-rollback", api.fetchJson), api.asked.length]).toEqual([
      { kind: "read", setting: custom, policies: [{ name: "main", type: "branch" }] },
      2,
    ]);
  });

  it("says the token may not read it on a 403", async () => {
    expect(await readBranchPolicy("dev", answers({ "/environments/dev": { status: 403 } }).fetchJson)).toEqual({
      kind: "unreadable",
      message: "cannot read the deployment branch policy of GitHub environment dev (HTTP 403): the job's token may not read it (the job needs `permissions: actions: read`)",
    });
  });
});

describe("check-environment.ts as a command", () => {
  const run = async (fetchImpl: typeof fetch) => {
    let out = "";
    const code = await main(["--environment", "dev"], { GITHUB_REPOSITORY: "o/r", GITHUB_TOKEN: "t" }, (text) => (out += text), fetchImpl);
    return { code, out };
  };

  it("fails closed, with an annotation, when GitHub cannot be reached", async () => {
    expect(await run(async () => Promise.reject(new Error("getaddrinfo ENOTFOUND api.github.com")))).toEqual({
      code: 1,
      out: "::error::cannot read the deployment branch policy of GitHub environment dev: getaddrinfo ENOTFOUND api.github.com\n",
    });
  });

  it("asks the repository's environment with the job's token", async () => {
    const requests: { url: string; auth: string }[] = [];
    await run(async (url, init) => {
      requests.push({ url: String(url), auth: String((init?.headers as Record<string, string>).authorization) });
      return new Response(JSON.stringify({ deployment_branch_policy: null }), { status: 200 });
    });
    expect(requests).toEqual([{ url: "https://api.github.com/repos/o/r/environments/dev", auth: "Bearer t" }]);
  });
});

describe("the workflows", () => {
  const inEnvironment = allJobs().filter(({ job }) => environmentName(job) !== undefined);

  it.each(inEnvironment.map(({ wf, id, job }) => [`${wf.file} › ${id}`, job] as const))("%s checks its GitHub environment's branch policy before its AWS credentials", (_name, job) => {
    const check = job.steps.findIndex((s) => /check-environment\.ts --environment "\$GITHUB_ENVIRONMENT"/.test(s.run ?? ""));
    const creds = job.steps.findIndex((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
    expect([check > -1, check < creds, job.steps[check]?.env?.GITHUB_ENVIRONMENT]).toEqual([true, true, `\${{ ${String(environmentName(job)).slice(4, -3)} }}`]);
  });
});
