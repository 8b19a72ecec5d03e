/**
 * `npm run environments`: the pipeline view the workflows read, straight from the config.
 */
import { loadEnvironments } from "../../../environments";
import { main } from "../../../scripts/environments/cli";
import { describePipeline, roleVariable } from "../../../scripts/environments/describe";
import { captureOutput } from "../../support/output";

const environments = loadEnvironments();

describe("npm run environments", () => {
  const output = captureOutput();

  it("prints with --json exactly the pipeline view of the validated config", async () => {
    await main(["--json"]);
    expect(JSON.parse(output.stdout)).toEqual(JSON.parse(JSON.stringify(describePipeline(environments))));
  });

  it("prints one JSON line, so a workflow can put it in one output", async () => {
    await main(["--json"]);
    expect(output.stdout.trimEnd().split("\n")).toHaveLength(1);
  });

  it("prints one environment's object with --env and --json", async () => {
    await main(["--env", "prod", "--json"]);
    expect(JSON.parse(output.stdout)).toMatchObject({ name: "prod", account: "333333333333", protected: true, githubEnvironment: "production" });
  });

  it("prints a table with a row per environment, in pipeline order", async () => {
    await main([]);
    expect(output.stdout.trimEnd().split("\n").slice(1).map((row) => row.split(/\s+/)[1])).toEqual(environments.map((e) => e.name));
  });

  it("exits 0", async () => {
    expect(await main(["--json"])).toBe(0);
  });
});

describe("the pipeline view", () => {
  const view = describePipeline(environments);

  it("groups the environments into their waves, in order", () => {
    expect(view.waves.map((w) => [w.wave, w.environments.map((e) => e.name)])).toEqual(
      [...new Set(environments.map((e) => e.deploy.wave))].map((wave) => [wave, environments.filter((e) => e.deploy.wave === wave).map((e) => e.name)]),
    );
  });

  it("says which environments of later waves each one holds back", () => {
    expect(view.environments.map((e) => [e.name, e.blocks])).toEqual(
      environments.map((e) => [e.name, environments.filter((o) => o.deploy.wave > e.deploy.wave).map((o) => o.name)]),
    );
  });

  it("defaults the GitHub environments to the environment's name", () => {
    expect(view.environments.find((e) => e.name === "dev")).toMatchObject({ githubEnvironment: "dev", rollbackGithubEnvironment: "dev" });
  });

  it("names role variables as GitHub allows (letters, digits, underscores)", () => {
    expect([roleVariable("deploy", "dev-eu"), roleVariable("plan", "dev-eu")]).toEqual(["AWS_ROLE_ARN_DEV_EU", "AWS_PLAN_ROLE_ARN_DEV_EU"]);
  });

  it("gives the site's URL from the first domain name", () => {
    expect(view.environments.map((e) => e.url)).toEqual(environments.map((e) => `https://${e.dns.domainNames[0]}`));
  });
});
