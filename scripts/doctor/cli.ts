/**
 * npm run doctor -- --env <env> [--json] [--cdktf-out <dir>] [--dns-server <ip[:port]>]
 *
 * Read-only checks of the real account against the environment's config, each with a fix:
 * run before `cdktf deploy`. Exit codes: 0 nothing failed (warnings and skips allowed),
 * 1 a check failed, 2 usage error.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { loadEnvironments } from "../../environments";
import { ConfigError } from "../../lib/errors";
import { AWS_ENVIRONMENT, defineCli, environmentFlag, InvalidArgumentError, printJson, runCli, say, USAGE_ERROR } from "../shared/cli";
import { createDoctorPorts } from "./aws";
import { exitCodeOf, type CheckResult } from "./checks";
import { createResolver } from "./dns";
import { runDoctor, type DoctorReport, type StackReader } from "./doctor";

export const DOCTOR_CLI = defineCli({
  command: "npm run doctor --",
  purpose:
    "Checks the AWS account of an environment before a deploy, reading only: the credentials' account, the Terraform " +
    "state bucket and lock table, the hosted zone and its public delegation, the parent zone's delegation role, the " +
    "CloudFront certificate, the Lambda runtime's dates and the account's concurrency, the Slack workspace in AWS Chatbot. " +
    "Every problem comes with its fix.",
  flags: {
    env: environmentFlag("environment to check"),
    json: { help: 'print {"env", "checks": [{"name", "status", "detail"}]} on stdout' },
    "cdktf-out": {
      value: "<dir>",
      help: "synthesized stacks whose reserved concurrency to count (every function of the app build)",
      default: "cdktf.out",
    },
    "dns-server": {
      value: "<ip[:port]>",
      help: "ask this DNS server for the public delegation instead of the system's resolver (e.g. 1.1.1.1)",
      parse: dnsServer,
      repeatable: true,
    },
  },
  examples: ["npm run doctor -- --env staging", "npm run doctor -- --env prod --json", "npm run doctor -- --env dev --dns-server 1.1.1.1"],
  exitCodes: { 0: "nothing failed (warnings and skipped checks allowed)", 1: "a check failed", 2: USAGE_ERROR },
  environment: AWS_ENVIRONMENT,
});

export function main(argv: readonly string[]): Promise<number> {
  return DOCTOR_CLI.run(argv, async (flags) => {
    const env = flags.env;
    const environments = loadEnvironments();
    say(`doctor: checking ${env.name} (account ${env.account.id}, ${env.account.region})`);
    const report = await runDoctor({
      env,
      environments,
      aws: createDoctorPorts(env.account.region),
      dns: createResolver({ servers: flags["dns-server"] }),
      readStack: stackReader(path.resolve(flags["cdktf-out"])),
      today: new Date(),
    });
    say(formatReport(report));
    if (flags.json) printJson(report);
    return exitCodeOf(report.checks);
  });
}

function dnsServer(raw: string): string {
  if (/^(\d{1,3}\.){3}\d{1,3}(:\d{1,5})?$/.test(raw) || /^\[?[0-9a-fA-F:]+\]?(:\d{1,5})?$/.test(raw)) return raw;
  throw new InvalidArgumentError("must be an IP address, optionally with :port (e.g. 1.1.1.1 or 127.0.0.1:5353)");
}

/** Reads `<dir>/manifest.json` once and each stack's cdk.tf.json on demand. */
function stackReader(dir: string): StackReader {
  const manifestFile = path.join(dir, "manifest.json");
  if (!existsSync(manifestFile)) return () => undefined;
  let manifest: { stacks?: Record<string, { synthesizedStackPath?: string }> };
  try {
    manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as typeof manifest;
  } catch (error) {
    throw new ConfigError([`${manifestFile}: is not valid JSON (${(error as Error).message}); run npm run synth again`]);
  }
  return (id) => {
    const file = manifest.stacks?.[id]?.synthesizedStackPath;
    if (!file) return undefined;
    return JSON.parse(readFileSync(path.join(dir, file), "utf8")) as Record<string, unknown>;
  };
}

const MARK: Record<CheckResult["status"], string> = { ok: "ok  ", fail: "FAIL", warn: "warn", skip: "skip" };

/** The report as lines for a terminal or a CI log. */
export function formatReport(report: DoctorReport): string {
  const width = Math.max(...report.checks.map((c) => c.name.length));
  const lines = report.checks.map((c) => `  ${MARK[c.status]}  ${c.name.padEnd(width)}  ${c.detail}`);
  const count = (status: CheckResult["status"]) => report.checks.filter((c) => c.status === status).length;
  const failed = count("fail");
  const summary = `${report.env}: ${failed === 0 ? "ready" : `${failed} check${failed === 1 ? "" : "s"} failed`} (${count("ok")} ok, ${count("warn")} warnings, ${count("skip")} skipped)`;
  return [...lines, summary].join("\n");
}

if (require.main === module) runCli(main);
