/**
 * The alias router answers each request with the version alias live points at in moto at
 * that moment: a move shows on the next request, canary weights are applied per request,
 * each version runs its own package, and a version with native code for another CPU is a 502
 * that says why.
 */
import { writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { LambdaClient, UpdateAliasCommand } from "@aws-sdk/client-lambda";
import { findEnvironment, loadEnvironments } from "../../../environments";
import type { EnvironmentConfig } from "../../../environments/schema";
import { describeAppBuild } from "../../../lib/app-build/load";
import { aliasRouter, FreshReads, lambdaReads, pickVersion, type AliasRouter, type Invocation } from "../../../scripts/e2e-local/alias-router";
import { toEventV2 } from "../../../scripts/e2e-local/lambda-event";
import { LambdaCodeStore } from "../../../scripts/e2e-local/lambda-code";
import { LocalFunctionDeployer } from "../../../scripts/e2e-local/local-deploy";
import { hostArchitecture, type LocalResponse } from "../../../scripts/e2e-local/local-function";
import { tempDir, writeExampleBuild } from "../../support/app-builds";

describe("pickVersion", () => {
  it("serves the alias's version when it has no weights", () => {
    expect(pickVersion({ version: "1", weights: {} }, 0.01)).toBe("1");
  });

  it("serves the canary's version for a draw below its weight", () => {
    expect(pickVersion({ version: "1", weights: { "2": 0.1 } }, 0.05)).toBe("2");
  });

  it("serves the alias's version for a draw at or above the canary's weight", () => {
    expect(pickVersion({ version: "1", weights: { "2": 0.1 } }, 0.1)).toBe("1");
  });
});

describe("FreshReads", () => {
  const controlled = () => {
    const pending: ((value: number) => void)[] = [];
    let calls = 0;
    const reads = new FreshReads(() => {
      calls++;
      return new Promise<number>((resolve) => pending.push(resolve));
    });
    return { reads, pending, calls: () => calls };
  };

  it("never answers a caller with a read that started before it asked", async () => {
    const { reads, pending } = controlled();
    const early = reads.read();
    const late = reads.read();
    pending[0]!(1);
    await early;
    await new Promise((resolve) => setImmediate(resolve));
    pending[1]!(2);
    expect([await early, await late]).toEqual([1, 2]);
  });

  it("shares one read among callers who asked while another was in flight", async () => {
    const { reads, pending, calls } = controlled();
    const first = reads.read();
    const waiting = [reads.read(), reads.read(), reads.read()];
    pending[0]!(1);
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    pending[1]!(2);
    await Promise.all(waiting);
    expect(calls()).toBe(2);
  });
});

describe("the alias router on moto", () => {
  const env: EnvironmentConfig = { ...findEnvironment("dev", loadEnvironments()), project: "alias-router" };
  const endpoint = process.env.MOTO_ENDPOINT!;
  const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };
  const lambda = new LambdaClient({ endpoint, region: env.account.region, credentials });
  const code = new LambdaCodeStore(tempDir("unpacked-"));
  const deployer = new LocalFunctionDeployer(env, { endpoint, region: env.account.region, bucket: "alias-router-assets", env }, code, tempDir("packages-"));
  const invocations: Invocation[] = [];
  const logged: string[] = [];
  let draw = 0.5;
  let router: AliasRouter;

  const build = (body: string, extraFile?: { name: string; bytes: Buffer }) => {
    const dir = writeExampleBuild(tempDir());
    writeFileSync(path.join(dir, "server", "index.js"), `exports.handler = async () => ({ statusCode: 200, body: ${JSON.stringify(body)} + " " + process.env.AWS_LAMBDA_FUNCTION_VERSION });\n`);
    if (extraFile) {
      mkdirSync(path.dirname(path.join(dir, "server", extraFile.name)), { recursive: true });
      writeFileSync(path.join(dir, "server", extraFile.name), extraFile.bytes);
    }
    return describeAppBuild(dir, "test");
  };
  const event = toEventV2({ method: "GET", path: "/", query: "", headers: { host: "edge.test" }, body: Buffer.alloc(0), sourceIp: "127.0.0.1" });
  const answer = async (): Promise<string> => {
    const response: LocalResponse = await router.invoke("server", event);
    if (response.kind !== "buffered") throw new Error("expected a buffered response");
    return `${response.response.statusCode} ${response.response.body.toString("utf8")}`;
  };
  const moveAlias = (version: string, weights: Record<string, number> = {}) =>
    lambda.send(new UpdateAliasCommand({ FunctionName: "alias-router-dev-ssr", Name: "live", FunctionVersion: version, RoutingConfig: { AdditionalVersionWeights: weights } }));

  /** An ELF shared object header for the other CPU than this machine's. */
  const foreignElf = () => {
    const header = Buffer.alloc(64);
    header.writeUInt32BE(0x7f454c46, 0);
    header[4] = 2;
    header[5] = 1;
    header.writeUInt16LE(hostArchitecture() === "arm64" ? 0x3e : 0xb7, 18);
    return header;
  };

  beforeAll(async () => {
    await deployer.deploy(build("A"));
    await deployer.deploy(build("B"));
    await deployer.deploy(build("C", { name: "node_modules/native/lib/addon.node", bytes: foreignElf() }));
    router = aliasRouter({
      lambda: lambdaReads(lambda),
      code,
      functionName: (id) => (id === "server" ? "alias-router-dev-ssr" : undefined),
      awsEnvironment: {},
      random: () => draw,
      onInvoke: (invocation) => invocations.push(invocation),
      log: (line) => logged.push(line),
    });
  });
  afterAll(async () => {
    await router.stop();
    deployer.destroy();
    lambda.destroy();
  });

  it("runs the version the alias points at, with that version's package", async () => {
    await moveAlias("1");
    expect(await answer()).toBe("200 A 1");
  });

  it("serves a moved alias's version on the very next request", async () => {
    await moveAlias("1");
    await answer();
    await moveAlias("2");
    expect(await answer()).toBe("200 B 2");
  });

  it("applies canary weights per request", async () => {
    await moveAlias("1", { "2": 0.4 });
    draw = 0.3;
    const canary = await answer();
    draw = 0.6;
    expect([canary, await answer()]).toEqual(["200 B 2", "200 A 1"]);
  });

  it("reports the version each invocation went to", async () => {
    await moveAlias("2");
    invocations.length = 0;
    await answer();
    expect(invocations).toEqual([{ functionId: "server", functionName: "alias-router-dev-ssr", version: "2" }]);
  });

  it("answers 502, as a failing function URL does, for a version with native code for another CPU", async () => {
    await moveAlias("3");
    expect(await answer()).toBe('502 {"message":"Internal Server Error"}');
  });

  it("says which file of that version is native code for which CPU", async () => {
    await moveAlias("3");
    await answer();
    expect(logged).toContainEqual(expect.stringMatching(/^function server version 3 carries native code for (arm64|x86_64) \(node_modules\/native\/lib\/addon\.node\) and this machine is/));
  });

  it("answers 502 for a function the deployed build does not have", async () => {
    const response = await router.invoke("image", event);
    expect(response.kind === "buffered" ? response.response.statusCode : 0).toBe(502);
  });
});
