/**
 * A canary that meets an AWS error once traffic is split (injected by the fault proxy): it
 * must return all traffic to the previous version, record why, and report failure; and
 * say loudly, with the command to fix it, when returning the traffic fails too.
 */
import { PASS, startFaultProxy, type FaultDecision, type FaultProxy, type ProxiedRequest } from "../../support/fault-proxy";
import { release, type ReleaseRequest, type ReleaseResult } from "../../../scripts/release/release";
import { createFixture, instantClock, person, putAlarm, REGION, type Fixture } from "./support";

const isUpdateAlias = (r: ProxiedRequest) => r.method === "PUT" && /\/functions\/[^/]+\/aliases\/live$/.test(r.url);
const isDescribeAlarms = (r: ProxiedRequest) => r.headers["x-amz-target"] === "GraniteServiceVersion20100801.DescribeAlarms";
/** The traffic share an UpdateAlias request gives the new version (0 when it clears the weights). */
const weightIn = (r: ProxiedRequest): number =>
  Object.values((JSON.parse(r.body.toString() || "{}") as { RoutingConfig?: { AdditionalVersionWeights?: Record<string, number> } }).RoutingConfig?.AdditionalVersionWeights ?? {})[0] ?? 0;

const denied = (type: string, contentType: string): FaultDecision => ({
  kind: "respond",
  status: 403,
  headers: { "content-type": contentType, "x-amzn-errortype": type },
  body: JSON.stringify({ __type: type, message: "User is not authorized to perform this action" }),
});
const serverError: FaultDecision = {
  kind: "respond",
  status: 500,
  headers: { "content-type": "application/json", "x-amzn-errortype": "ServiceException" },
  body: JSON.stringify({ Type: "Service", message: "internal error" }),
};

const canaryRequest: ReleaseRequest = {
  releaseId: "next",
  gitSha: null,
  unpin: false,
  canary: { percent: 10, steps: 3, stepSeconds: 10 },
  ...person,
};

/** Release "stable" (v1) is live; "next" (v2) is synced and about to be canaried, an alarm watching it. */
async function stableAndNext(label: string): Promise<Fixture> {
  const fx = await createFixture(label, { versions: 2 });
  await fx.syncRelease("stable");
  await release(fx.target, fx.ports(), { releaseId: "stable", version: "1", gitSha: null, unpin: false, ...person });
  await fx.syncRelease("next");
  await putAlarm(`${fx.target.alarmPrefix}errors`, fx.functionName);
  return fx;
}

describe("canary meeting an AWS error after a weighted step", () => {
  let proxy: FaultProxy;
  const savedAttempts = process.env.AWS_MAX_ATTEMPTS;
  beforeAll(async () => {
    proxy = await startFaultProxy(process.env.MOTO_ENDPOINT ?? "");
    // Faults here outlast any retry; one attempt keeps the tests quick.
    process.env.AWS_MAX_ATTEMPTS = "1";
  });
  afterAll(async () => {
    process.env.AWS_MAX_ATTEMPTS = savedAttempts;
    await proxy.close();
  });

  describe("reading the alarms is denied", () => {
    let fx: Fixture;
    let result: ReleaseResult;
    beforeAll(async () => {
      fx = await stableAndNext("cf-alarms");
      let split = false;
      proxy.setDecider((r) => {
        if (isUpdateAlias(r) && weightIn(r) > 0) split = true;
        return split && isDescribeAlarms(r) ? denied("AccessDeniedException", "application/x-amz-json-1.0") : PASS;
      });
      result = await release(fx.target, fx.ports({ clock: instantClock(), endpoint: proxy.endpoint }), canaryRequest);
      proxy.setDecider(() => PASS);
    });

    it("returns all traffic to the previous version", async () => {
      expect(await fx.aliasVersion()).toEqual({ version: "1", weights: {} });
    });

    it("reports failure, naming the error and what was restored", () => {
      expect(result).toMatchObject({
        outcome: "canary-aborted",
        cause: "error",
        message: expect.stringMatching(/AWS denied cloudwatch:DescribeAlarms.*restored: release stable \(version 1\) serves all traffic again/),
      });
    });

    it("appends a canary-abort record naming the error", async () => {
      const [newest] = await fx.ledger();
      expect(newest).toMatchObject({ kind: "canary-abort", releaseId: "next", version: "2", reason: expect.stringMatching(/^error: AWS denied cloudwatch:DescribeAlarms/) });
    });
  });

  it("returns traffic when a later weighted step fails with a 5xx", async () => {
    const fx = await stableAndNext("cf-step");
    proxy.setDecider((r) => (isUpdateAlias(r) && weightIn(r) === 0.4 ? serverError : PASS));
    const result = await release(fx.target, fx.ports({ clock: instantClock(), endpoint: proxy.endpoint }), canaryRequest);
    proxy.setDecider(() => PASS);
    expect([result.outcome, await fx.aliasVersion()]).toEqual(["canary-aborted", { version: "1", weights: {} }]);
  });

  it("returns traffic when the connection drops on the final promotion", async () => {
    const fx = await stableAndNext("cf-final");
    let promotions = 0;
    proxy.setDecider((r) => {
      const promotes = isUpdateAlias(r) && (JSON.parse(r.body.toString()) as { FunctionVersion?: string }).FunctionVersion === "2";
      return promotes && promotions++ === 0 ? { kind: "reset" } : PASS;
    });
    const result = await release(fx.target, fx.ports({ clock: instantClock(), endpoint: proxy.endpoint }), canaryRequest);
    proxy.setDecider(() => PASS);
    expect([result.outcome, await fx.aliasVersion()]).toEqual(["canary-aborted", { version: "1", weights: {} }]);
  });

  describe("when returning the traffic fails too", () => {
    let fx: Fixture;
    let result: ReleaseResult;
    beforeAll(async () => {
      fx = await stableAndNext("cf-split");
      let updates = 0;
      // The first weighted step goes through; every UpdateAlias after it fails.
      proxy.setDecider((r) => (isUpdateAlias(r) && updates++ > 0 ? serverError : PASS));
      const target = { ...fx.target, region: REGION };
      result = await release(target, fx.ports({ clock: instantClock(), endpoint: proxy.endpoint }), canaryRequest);
      proxy.setDecider(() => PASS);
    });

    it("says loudly that traffic is split", () => {
      expect(result).toMatchObject({ outcome: "traffic-split", message: expect.stringContaining("TRAFFIC MAY STILL BE SPLIT") });
    });

    it("prints the exact command that returns all traffic to the previous version", () => {
      expect(result).toMatchObject({
        fixCommand:
          `aws lambda update-alias --region ${REGION} --function-name ${fx.functionName} --name live --function-version 1 ` +
          "--routing-config 'AdditionalVersionWeights={}'",
      });
    });

    it("leaves the split it could not undo (and touches nothing else)", async () => {
      expect(await fx.aliasVersion()).toEqual({ version: "1", weights: { "2": 0.1 } });
    });
  });
});
