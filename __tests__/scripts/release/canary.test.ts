import { release, type ReleaseRequest } from "../../../scripts/release/release";
import { createFixture, instantClock, person, putAlarm, REGION, setAlarm, type Fixture } from "./support";

const canaryRequest = (releaseId: string, extra: Partial<ReleaseRequest> = {}): ReleaseRequest => ({
  releaseId,
  gitSha: null,
  unpin: false,
  canary: { percent: 10, steps: 3, stepSeconds: 300 },
  ...person,
  ...extra,
});

async function fixtureWithAlarm(label: string): Promise<{ fx: Fixture; alarm: string }> {
  const fx = await createFixture(label, { versions: 2 });
  await fx.syncRelease("stable");
  await release(fx.target, fx.ports(), { releaseId: "stable", version: "1", gitSha: null, unpin: false, ...person });
  await fx.syncRelease("next");
  const alarm = `${fx.target.alarmPrefix}errors`;
  await putAlarm(alarm);
  return { fx, alarm };
}

describe("canary release that stays healthy", () => {
  let fx: Fixture;
  const weightsSeen: Record<string, number>[] = [];
  const clock = instantClock(async () => {
    weightsSeen.push((await fx.aliasVersion()).weights);
  });
  let result: Awaited<ReturnType<typeof release>>;
  beforeAll(async () => {
    ({ fx } = await fixtureWithAlarm("canary-ok"));
    result = await release(fx.target, fx.ports({ clock }), canaryRequest("next"));
  });

  it("shifts traffic to the new version in weighted steps", () => {
    expect(weightsSeen).toEqual([{ "2": 0.1 }, { "2": 0.4 }, { "2": 0.7 }]);
  });

  it("waits the step time after each step", () => {
    expect(clock.sleeps).toEqual([300_000, 300_000, 300_000]);
  });

  it("ends with all traffic on the new version and no weights", async () => {
    expect(result).toMatchObject({ outcome: "released", after: { version: "2", releaseId: "next" } });
    expect(await fx.aliasVersion()).toEqual({ version: "2", weights: {} });
  });

  it("records the canary in the release record", async () => {
    const [newest] = await fx.ledger();
    expect(newest).toMatchObject({ kind: "release", releaseId: "next", canary: { percent: 10, steps: 3, stepSeconds: 300 } });
  });
});

describe("canary release that sets off an alarm", () => {
  let fx: Fixture;
  let alarm = "";
  let result: Awaited<ReturnType<typeof release>>;
  beforeAll(async () => {
    ({ fx, alarm } = await fixtureWithAlarm("canary-abort"));
    // The alarm goes off while the second step is being watched.
    let step = 0;
    const clock = instantClock(async () => {
      step += 1;
      if (step === 2) await setAlarm(alarm, "ALARM");
    });
    result = await release(fx.target, fx.ports({ clock }), canaryRequest("next"));
  });

  it("stops and names the alarm", () => {
    expect(result).toMatchObject({ outcome: "canary-aborted", alarms: [`${alarm} (${REGION})`] });
  });

  it("sends all traffic back to the previous version", async () => {
    expect(await fx.aliasVersion()).toEqual({ version: "1", weights: {} });
  });

  it("records the aborted canary in the ledger", async () => {
    const [newest] = await fx.ledger();
    expect(newest).toMatchObject({ kind: "canary-abort", releaseId: "next", version: "2", previousVersion: "1", canary: { alarms: [`${alarm} (${REGION})`] } });
  });

  it("refuses to start a canary while an alarm is already firing", async () => {
    const again = await release(fx.target, fx.ports({ clock: instantClock() }), canaryRequest("next"));
    expect(again).toMatchObject({ outcome: "refused", reason: "alarms-firing" });
  });
});

describe("canary release that is interrupted", () => {
  it("returns traffic to the previous version", async () => {
    const { fx } = await fixtureWithAlarm("canary-int");
    const controller = new AbortController();
    const clock = {
      now: () => new Date(),
      sleep: async () => {
        controller.abort();
        return false;
      },
    };
    const result = await release(fx.target, fx.ports({ clock }), canaryRequest("next", { signal: controller.signal }));
    expect(result).toMatchObject({ outcome: "canary-aborted", message: expect.stringContaining("interrupted") });
    expect(await fx.aliasVersion()).toEqual({ version: "1", weights: {} });
  });
});

describe("canary alarm watch", () => {
  it("reads CloudFront's alarms in us-east-1 as well as the environment's region", async () => {
    const fx = await createFixture("canary-cdn", { versions: 1 });
    const alarm = `${fx.target.alarmPrefix}cdn-5xx-rate`;
    await putAlarm(alarm, "us-east-1");
    await setAlarm(alarm, "ALARM", "us-east-1");
    expect(await fx.ports().alarms.alarmsInAlarm(fx.target.alarmPrefix)).toEqual([`${alarm} (us-east-1)`]);
  });
});
