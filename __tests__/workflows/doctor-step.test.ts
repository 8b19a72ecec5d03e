/** The deploy workflow checks the account with doctor before anything changes it. */
import { workflow } from "./support";

const deploy = workflow("deploy.yml");
const deployJobs = Object.entries(deploy.jobs).filter(([, job]) =>
  (job.steps ?? []).some((step) => /cdktf deploy/.test(String(step.run ?? ""))),
);

describe.each(deployJobs)("deploy job %s", (_id, job) => {
  const steps = job.steps ?? [];
  const index = (pattern: RegExp) => steps.findIndex((step) => pattern.test(String(step.run ?? "")));
  const env = /cdktf deploy '([\w-]+)-\*'/.exec(String(steps[index(/cdktf deploy/)].run))?.[1];

  it("runs doctor for its environment before sync-assets and cdktf deploy", () => {
    const doctor = index(new RegExp(`npm run doctor -- --env ${env}$`));
    expect([doctor >= 0, doctor < index(/npm run sync-assets/), doctor < index(/cdktf deploy/)]).toEqual([true, true, true]);
  });
});
