/** runDoctor with fake ports: which checks run, in which order, and what it counts. */
import { findEnvironment, loadEnvironments } from "../../../environments";
import type { EnvironmentConfig } from "../../../environments/schema";
import { CHECK_NAMES } from "../../../scripts/doctor/checks";
import { plannedReservations, runDoctor } from "../../../scripts/doctor/doctor";
import type { DoctorPorts, Observed, ResolverPort } from "../../../scripts/doctor/ports";
import { synthesizeApp } from "../../support/synth";

const environments = loadEnvironments();
const dev = findEnvironment("dev", environments);
const prod = findEnvironment("prod", environments);
const found = <T>(value: T): Observed<T> => ({ kind: "found", value });

/** Ports that answer "all is well" for `env`, with `overrides` for one test. */
function ports(env: EnvironmentConfig, overrides: Partial<DoctorPorts> = {}): DoctorPorts {
  return {
    callerIdentity: async () => found({ account: env.account.id, arn: `arn:aws:sts::${env.account.id}:assumed-role/deploy/test` }),
    stateBucket: async () => found({ region: env.state.region, versioning: "Enabled", encryption: ["AES256"] }),
    lockTable: async () => found({ status: "ACTIVE", keys: [{ name: "LockID", type: "S", role: "HASH" }] }),
    stateLocks: async () => found([]),
    publicZones: async () => found([{ id: "Z0ZONE", nameServers: ["ns-1.awsdns-01.org"] }]),
    parentZoneAccess: async () => ({ kind: "readable" }),
    lambdaAccountSettings: async () => found({ limit: 1000, unreserved: 1000 }),
    functionReservations: async () => found(0),
    certificates: async () => found([{ arn: "arn:aws:acm:us-east-1:1:certificate/x", domainName: env.dns.domainNames[0], status: "ISSUED", inUse: true }]),
    slackWorkspaces: async () => found([{ teamId: env.slack?.workspaceId ?? "" }]),
    ...overrides,
  };
}
const resolver: ResolverPort = { nameServers: async () => ({ kind: "answer", servers: ["ns-1.awsdns-01.org."] }) };
const run = (env: EnvironmentConfig, overrides: Partial<DoctorPorts> = {}) =>
  runDoctor({ env, environments, aws: ports(env, overrides), dns: resolver, readStack: () => undefined, today: new Date("2026-12-06") });

describe("runDoctor", () => {
  it("reports every check once, in order", async () => {
    expect((await run(prod)).checks.map((c) => c.name)).toEqual([...CHECK_NAMES]);
  });

  it("finds nothing wrong in an account that is ready", async () => {
    expect((await run(prod)).checks.filter((c) => c.status === "fail" || c.status === "warn")).toEqual([]);
  });

  it("skips the checks that read the account when the credentials are for another one", async () => {
    const report = await run(dev, { callerIdentity: async () => found({ account: "999999999999", arn: "arn:aws:iam::999999999999:user/x" }) });
    expect(report.checks.filter((c) => c.status === "skip").map((c) => c.name)).toEqual(
      CHECK_NAMES.filter((name) => name !== "account" && name !== "lambda-runtime"),
    );
  });

  it("does not ask about a state bucket when the credentials are for another account", async () => {
    const asked: string[] = [];
    await run(dev, {
      callerIdentity: async () => found({ account: "999999999999", arn: "x" }),
      stateBucket: async (bucket) => {
        asked.push(bucket);
        return { kind: "missing", message: "" };
      },
    });
    expect(asked).toEqual([]);
  });

  it("asks about the parent zone as the delegation role, naming the environment's session", async () => {
    const requests: unknown[] = [];
    await run(dev, {
      parentZoneAccess: async (request) => {
        requests.push(request);
        return { kind: "readable" };
      },
    });
    expect(requests).toEqual([
      {
        roleArn: "arn:aws:iam::333333333333:role/acme-web-dns-delegation",
        sessionName: "acme-web-dev-dns-delegation",
        parentZoneId: "Z0EXAMPLEPARENTZONE",
        recordName: "dev.example.com",
      },
    ]);
  });
});

describe("plannedReservations", () => {
  const { stacks } = synthesizeApp([prod]);

  it("counts what the synthesized app stack reserves", () => {
    const reserved = Object.values(stacks["prod-app"].resource.aws_lambda_function as Record<string, { reserved_concurrent_executions?: number }>)
      .map((f) => Math.max(0, f.reserved_concurrent_executions ?? 0))
      .reduce((a, b) => a + b, 0);
    expect(plannedReservations(prod, environments, (id) => stacks[id]).reserved).toBe(reserved);
  });

  it("asks about the functions the synthesized stack names", () => {
    expect(plannedReservations(prod, environments, (id) => stacks[id]).functionNames).toContain("acme-web-prod-ssr");
  });

  it("falls back to ssr.reservedConcurrency, and says so, when nothing was synthesized", () => {
    expect(plannedReservations(prod, environments, () => undefined)).toMatchObject({
      reserved: 200,
      source: expect.stringContaining("prod not synthesized in cdktf.out"),
    });
  });

  it("counts every environment in the same account and region, and only those", () => {
    const qa: EnvironmentConfig = { ...prod, name: "qa", ssr: { ...prod.ssr, reservedConcurrency: 50 } };
    expect(plannedReservations(prod, [...environments, qa], () => undefined)).toMatchObject({ environments: ["prod", "qa"], reserved: 250 });
  });
});
