import { readFileSync } from "node:fs";
import path from "node:path";
import { lambdaRuntimeFindings } from "../../environments";
import {
  DEFAULT_LAMBDA_RUNTIME,
  LAMBDA_RUNTIMES,
  LAMBDA_RUNTIMES_SOURCE,
  lambdaRuntime,
  lambdaRuntimeStatus,
  NODEJS_RUNTIME_IDS,
} from "../../lib/lambda-runtimes";

const day = (iso: string) => new Date(`${iso}T12:00:00Z`);

/**
 * What the deploy-day rules read of an environment: its name and runtime. (The schema's
 * runtime rules, and loadEnvironmentsOrExit, which applies these rules to the shipped
 * environments, are tested in validation.test.ts: every test that validates an environment
 * runs for each mutant of the schema, so they live in one file.)
 */
const devWithRuntime = (runtime: string) => [{ name: "dev", ssr: { runtime } }];

describe("the Lambda runtime table", () => {
  it("lists each runtime's dates in the order deprecation, block create, block update", () => {
    const outOfOrder = LAMBDA_RUNTIMES.filter((r) => !(r.deprecation < r.blockCreate && r.blockCreate < r.blockUpdate));
    expect(outOfOrder).toEqual([]);
  });

  it("lists the Node.js runtimes newest first", () => {
    const blockUpdates = NODEJS_RUNTIME_IDS.map((id) => lambdaRuntime(id)!.blockUpdate);
    expect(blockUpdates).toEqual([...blockUpdates].sort().reverse());
  });

  it("has the dates of AWS's Node.js runtime table for nodejs20.x", () => {
    expect(lambdaRuntime("nodejs20.x")).toEqual({ id: "nodejs20.x", deprecation: "2026-04-30", blockCreate: "2026-08-31", blockUpdate: "2026-09-30" });
  });
});

describe("the default runtime", () => {
  it("is the Node.js major version CI runs (.nvmrc, read by every workflow's setup-node)", () => {
    const nvmrc = readFileSync(path.join(__dirname, "..", "..", ".nvmrc"), "utf8").trim();
    expect(`nodejs${nvmrc}.x`).toBe(DEFAULT_LAMBDA_RUNTIME);
  });
});

describe("lambdaRuntimeStatus", () => {
  it("blocks a runtime on its block-update date", () => {
    expect(lambdaRuntimeStatus("nodejs20.x", new Date("2026-09-30T00:00:00Z")).kind).toBe("blocked");
  });

  it("names the block-update date and the replacement when it blocks", () => {
    const status = lambdaRuntimeStatus("nodejs20.x", day("2026-12-06"));
    expect(status.kind === "blocked" && status.message).toBe(
      `nodejs20.x can no longer be deployed: Lambda refuses function updates on it since 2026-09-30 (and new functions since 2026-08-31); use nodejs22.x (Lambda accepts it until 2027-07-01); dates from ${LAMBDA_RUNTIMES_SOURCE}`,
    );
  });

  it("warns on the last day before the block-update date", () => {
    expect(lambdaRuntimeStatus("nodejs20.x", day("2026-09-29")).kind).toBe("ending");
  });

  it("warns 90 days before the block-update date", () => {
    expect(lambdaRuntimeStatus("nodejs22.x", day("2027-04-02"))).toMatchObject({ kind: "ending", daysLeft: 90 });
  });

  it("does not warn 91 days before the block-update date", () => {
    expect(lambdaRuntimeStatus("nodejs22.x", new Date("2027-04-01T00:00:00Z")).kind).toBe("supported");
  });

  it("says in a warning when new functions are already refused, and what to move to", () => {
    const status = lambdaRuntimeStatus("nodejs22.x", day("2027-06-15"));
    expect(status.kind === "ending" && status.message).toBe(
      `nodejs22.x: Lambda refuses function updates on it from 2027-07-01 (in 16 days; it already refuses new functions on it (since 2027-06-01), so a new environment cannot be deployed); use nodejs24.x (Lambda accepts it until 2028-07-01) before then; dates from ${LAMBDA_RUNTIMES_SOURCE}`,
    );
  });

  it("asks for a runtime newer than the table knows when every known one is ending", () => {
    const status = lambdaRuntimeStatus("nodejs24.x", day("2028-06-15"));
    expect(status.kind === "ending" && status.message).toContain(
      "use a newer runtime and add it to LAMBDA_RUNTIMES in lib/lambda-runtimes.ts before then",
    );
  });
});

describe("the deploy-day runtime rules (npm run synth)", () => {
  it("are a problem naming file, field and value for a blocked runtime", () => {
    const { problems } = lambdaRuntimeFindings(devWithRuntime("nodejs20.x"), day("2026-12-06"));
    expect(problems).toEqual([expect.stringMatching(/^environments\/dev\.ts: ssr\.runtime: nodejs20\.x can no longer be deployed: .* \(got "nodejs20\.x"\)$/)]);
  });

  it("are a problem, not also a warning, for a blocked runtime", () => {
    expect(lambdaRuntimeFindings(devWithRuntime("nodejs20.x"), day("2026-12-06")).warnings).toEqual([]);
  });

  it("are a warning, not a problem, within 90 days", () => {
    const findings = lambdaRuntimeFindings(devWithRuntime("nodejs22.x"), day("2027-05-01"));
    expect({ problems: findings.problems.length, warnings: findings.warnings.length }).toEqual({ problems: 0, warnings: 1 });
  });
});
