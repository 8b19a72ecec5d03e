import { release, type ReleaseRequest } from "../../../scripts/release/release";
import { createFixture, instantClock, person, putAlarm, REGION, setAlarm, type Fixture } from "./support";

const canaryRequest = (releaseId: string, extra: Partial<ReleaseRequest> = {}): ReleaseRequest => ({
  releaseId,
  gitSha: null,
  unpin: false,
  canary: { percent: 10, steps: 3, stepSeconds: 60 },
  ...person,
  ...extra,
});

/** Release "stable" (version 1 of every function) is live, "next" (version 2) synced; an errors alarm on each function. */
async function fixtureWithAlarm(label: string, functions: readonly string[] = []): Promise<{ fx: Fixture; alarm: string; alarms: Record<string, string> }> {
  const fx = await createFixture(label, { versions: 2, functions });
  await fx.syncRelease("stable");
  await release(fx.target, fx.ports(), { releaseId: "stable", version: "1", versions: Object.fromEntries(functions.map((id) => [id, "1"])), gitSha: null, unpin: false, ...person });
  await fx.syncRelease("next");
  const alarms: Record<string, string> = {};
  for (const [id, name] of Object.entries(fx.functionNames)) {
    alarms[id] = `${fx.target.alarmPrefix}${id}-errors`;
    await putAlarm(alarms[id], name);
  }
  return { fx, alarm: alarms.server, alarms };
}

/** Weights in the order they were seen, each change once. */
function changes(seen: Record<string, number>[]): Record<string, number>[] {
  return seen.filter((w, i) => i === 0 || JSON.stringify(w) !== JSON.stringify(seen[i - 1]));
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
    expect(changes(weightsSeen)).toEqual([{ "2": 0.1 }, { "2": 0.4 }, { "2": 0.7 }]);
  });

  it("reads the alarms every 5 s throughout each step, for the whole step time", () => {
    expect([clock.sleeps.every((ms) => ms === 5_000), clock.elapsedMs()]).toEqual([true, 3 * 60_000]);
  });

  it("ends with all traffic on the new version and no weights", async () => {
    expect(result).toMatchObject({ outcome: "released", after: { version: "2", releaseId: "next" } });
    expect(await fx.aliasVersion()).toEqual({ version: "2", weights: {} });
  });

  it("records the canary in the release record", async () => {
    const [newest] = await fx.ledger();
    expect(newest).toMatchObject({ kind: "release", releaseId: "next", canary: { percent: 10, steps: 3, stepSeconds: 60 } });
  });
});

describe("canary release that sets off an alarm", () => {
  let fx: Fixture;
  let alarm = "";
  let result: Awaited<ReturnType<typeof release>>;
  const clock = instantClock(async (_ms, elapsedMs) => {
    // The alarm fires 15 s into the first 60 s step.
    if (elapsedMs === 15_000) await setAlarm(alarm, "ALARM");
  });
  beforeAll(async () => {
    ({ fx, alarm } = await fixtureWithAlarm("canary-abort"));
    result = await release(fx.target, fx.ports({ clock }), canaryRequest("next"));
  });

  it("stops and names the alarm", () => {
    expect(result).toMatchObject({ outcome: "canary-aborted", alarms: [`${alarm} (${REGION})`] });
  });

  it("acts within 10 s of the alarm, not at the end of the step", () => {
    expect(clock.elapsedMs()).toBeLessThanOrEqual(25_000);
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
    const clock = instantClock(() => controller.abort());
    const result = await release(fx.target, fx.ports({ clock }), canaryRequest("next", { signal: controller.signal }));
    expect([result, await fx.aliasVersion()]).toEqual([
      expect.objectContaining({ outcome: "canary-aborted", cause: "interrupted" }),
      { version: "1", weights: {} },
    ]);
  });
});

describe("canary release of several functions", () => {
  let fx: Fixture;
  let result: Awaited<ReturnType<typeof release>>;
  const imageWeights: Record<string, number>[] = [];
  beforeAll(async () => {
    ({ fx } = await fixtureWithAlarm("canary-set", ["image"]));
    const clock = instantClock(async () => {
      imageWeights.push((await fx.aliasVersion("image")).weights);
    });
    result = await release(fx.target, fx.ports({ clock }), canaryRequest("next"));
  });

  it("shifts every function's traffic in the same steps", () => {
    expect(changes(imageWeights)).toEqual([{ "2": 0.1 }, { "2": 0.4 }, { "2": 0.7 }]);
  });

  it("ends with every alias on its new version", async () => {
    expect([result.outcome, await fx.aliasVersion(), await fx.aliasVersion("image")]).toEqual([
      "released",
      { version: "2", weights: {} },
      { version: "2", weights: {} },
    ]);
  });

  it("records every function's version", async () => {
    const [newest] = await fx.ledger();
    expect(newest.functions).toEqual([
      expect.objectContaining({ id: "server", version: "2", previousVersion: "1" }),
      expect.objectContaining({ id: "image", version: "2", previousVersion: "1" }),
    ]);
  });
});

describe("canary of several functions when one of them sets off an alarm", () => {
  let fx: Fixture;
  let alarms: Record<string, string> = {};
  let result: Awaited<ReturnType<typeof release>>;
  beforeAll(async () => {
    ({ fx, alarms } = await fixtureWithAlarm("canary-set-abort", ["image"]));
    const clock = instantClock(async (_ms, elapsedMs) => {
      if (elapsedMs === 70_000) await setAlarm(alarms.image, "ALARM");
    });
    result = await release(fx.target, fx.ports({ clock }), canaryRequest("next"));
  });

  it("stops, naming the image function's alarm", () => {
    expect(result).toMatchObject({ outcome: "canary-aborted", alarms: [`${alarms.image} (${REGION})`] });
  });

  it("returns every function's traffic to its previous version", async () => {
    expect([await fx.aliasVersion(), await fx.aliasVersion("image")]).toEqual([
      { version: "1", weights: {} },
      { version: "1", weights: {} },
    ]);
  });
});

describe("canary alarm coverage", () => {
  it("refuses a canary when no alarm watches a function of the set, and moves nothing", async () => {
    const fx = await createFixture("canary-blind", { versions: 2, functions: ["image"] });
    await fx.syncRelease("stable");
    await release(fx.target, fx.ports(), { releaseId: "stable", version: "1", versions: { image: "1" }, gitSha: null, unpin: false, ...person });
    await fx.syncRelease("next");
    await putAlarm(`${fx.target.alarmPrefix}server-errors`, fx.functionName);
    const result = await release(fx.target, fx.ports({ clock: instantClock() }), canaryRequest("next"));
    expect([result, await fx.aliasVersion("image")]).toEqual([
      expect.objectContaining({ outcome: "refused", reason: "alarms-missing", message: expect.stringContaining(`image (${fx.functionNames.image})`) }),
      { version: "1", weights: {} },
    ]);
  });

  it("reads CloudFront's alarms in us-east-1 as well as the environment's region", async () => {
    const fx = await createFixture("canary-cdn", { versions: 1 });
    const alarm = `${fx.target.alarmPrefix}cdn-5xx-rate`;
    await putAlarm(alarm, fx.functionName, "us-east-1");
    await setAlarm(alarm, "ALARM", "us-east-1");
    expect(await fx.ports().alarms.alarmsInAlarm(fx.target.alarmPrefix)).toEqual([`${alarm} (us-east-1)`]);
  });

  it("sees the function a metric-math alarm reads", async () => {
    const fx = await createFixture("canary-math", { versions: 1 });
    const alarm = `${fx.target.alarmPrefix}error-rate`;
    const { CloudWatchClient, PutMetricAlarmCommand } = await import("@aws-sdk/client-cloudwatch");
    const metric = (name: string) => ({ Namespace: "AWS/Lambda", MetricName: name, Dimensions: [{ Name: "FunctionName", Value: fx.functionName }] });
    await new CloudWatchClient({ region: REGION }).send(
      new PutMetricAlarmCommand({
        AlarmName: alarm,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: "GreaterThanThreshold",
        Metrics: [
          { Id: "errors", MetricStat: { Metric: metric("Errors"), Period: 60, Stat: "Sum" }, ReturnData: false },
          { Id: "invocations", MetricStat: { Metric: metric("Invocations"), Period: 60, Stat: "Sum" }, ReturnData: false },
          { Id: "rate", Expression: "100 * FILL(errors, 0) / invocations", ReturnData: true },
        ],
      }),
    );
    const watched = await fx.ports().alarms.alarmsUnder(fx.target.alarmPrefix);
    expect(watched.map((a) => a.functionNames)).toEqual([[fx.functionName]]);
  });
});
