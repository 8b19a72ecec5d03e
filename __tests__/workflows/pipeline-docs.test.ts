/**
 * The pipeline page (docs/pipeline.md) against the workflows: what it tells people to set up is
 * what the workflows need, and it does not promise what they do not do.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { loadEnvironments } from "../../environments";
import { describePipeline } from "../../scripts/environments/describe";
import { environmentName, ROOT, workflow } from "./support";

const section = readFileSync(path.join(ROOT, "docs", "pipeline.md"), "utf8");
const setup = section.slice(section.indexOf("\n## Setting it up"), section.indexOf("\n## Concurrency"));

describe("the pipeline page", () => {
  it("exists, with a setup list", () => {
    expect([section.length > 1000, setup.length > 500]).toEqual([true, true]);
  });

  const pipeline = describePipeline(loadEnvironments());

  it("lists every GitHub environment the config names for deploy and rollback jobs (beyond the environments' own names)", () => {
    const named = pipeline.environments.flatMap((env) => [env.githubEnvironment, env.rollbackGithubEnvironment].filter((name) => name !== env.name));
    const undocumented = [...new Set(named)].filter((name) => !setup.includes(`\`${name}\``));
    expect([named.includes("production-rollback"), undocumented]).toEqual([true, []]);
  });

  it("runs the deploy and rollback jobs in the GitHub environments the config names", () => {
    expect([environmentName(workflow("deploy-environment.yml").jobs.deploy!), environmentName(workflow("rollback.yml").jobs.rollback!)]).toEqual([
      "${{ fromJSON(inputs.environment).githubEnvironment }}",
      "${{ fromJSON(needs.environment.outputs.json).rollbackGithubEnvironment }}",
    ]);
  });

  it("documents production-rollback as limited to main and without required reviewers", () => {
    const item = setup.slice(setup.indexOf("`production-rollback`:"), setup.indexOf("\n  - ", setup.indexOf("`production-rollback`:")));
    expect([/limited to `main`/.test(item), /\*\*no\*\* required reviewers/.test(item)]).toEqual([true, true]);
  });

  it("has the prod role trust the production-rollback environment", () => {
    expect(setup).toContain("…:environment:production-rollback");
  });

  it("lists s3:ListBucket on the state bucket and the lock-file permissions for the backend", () => {
    expect([/`s3:ListBucket`\s+on the state bucket/.test(setup), /`s3:DeleteObject` on\s+`<key>\.tflock`/.test(setup)]).toEqual([true, true]);
  });

  it("lists no repository variable the workflows do not read", () => {
    const listed = [...setup.matchAll(/^\| `([A-Z0-9_]+)`/gm)].map((m) => m[1]!);
    const texts = ["ci.yml", "deploy.yml", "deploy-environment.yml", "rollback.yml", "drift.yml"].map((file) => workflow(file).text).join("\n");
    // Role variables are per environment: the workflows read the names npm run environments gives.
    const roleVariables = new Map(pipeline.environments.flatMap((env) => [[env.roleVariable, "roleVariable"], [env.planRoleVariable, "planRoleVariable"]] as const));
    const read = (name: string) => texts.includes(name) || (roleVariables.has(name) && texts.includes(`.${roleVariables.get(name)}]`));
    expect([listed.length > 0, listed.filter((name) => !read(name))]).toEqual([true, []]);
  });

  it("says that drift plans main's head, so a pending or pinned deploy shows as drift", () => {
    const drift = section.slice(section.indexOf("\n## What drift does and does not mean"));
    expect([/\*\*head of main\*\*/.test(drift), /waiting for a reviewer/.test(drift), /pinned/.test(drift)]).toEqual([true, true, true]);
  });
});
