/** The deploy workflow checks the account with doctor before anything changes it. */
import { workflow } from "./support";

const deployEnvironment = workflow("deploy-environment.yml");
const deployJobs = Object.entries(deployEnvironment.jobs).filter(([, job]) =>
  (job.steps ?? []).some((step) => /cdktf deploy/.test(String(step.run ?? ""))),
);

describe.each(deployJobs)("deploy job %s", (_id, job) => {
  const steps = job.steps ?? [];
  const index = (pattern: RegExp) => steps.findIndex((step) => pattern.test(String(step.run ?? "")));

  it("runs doctor for its environment before sync-assets and cdktf deploy", () => {
    const doctor = index(/^npm run doctor -- --env "\$ENV_NAME"$/);
    expect([doctor >= 0, doctor < index(/npm run sync-assets/), doctor < index(/cdktf deploy "\$ENV_NAME-\*"/)]).toEqual([true, true, true]);
  });
});
