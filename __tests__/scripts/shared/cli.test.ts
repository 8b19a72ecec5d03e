/**
 * The declaration every tool is built from: what --help prints, which input is a usage
 * error (and with which code), that flags are parsed before the action runs, and how an
 * error that ends a tool is shown.
 */
import { environmentNames } from "../../../environments";
import { UserError } from "../../../lib/errors";
import {
  defineCli,
  describeFailure,
  environmentFlag,
  environmentOrFirst,
  knownEnvironment,
  oneOf,
  USAGE_ERROR,
  wholeNumber,
} from "../../../scripts/shared/cli";
import { captureOutput } from "../../support/output";

const SAMPLE = defineCli({
  command: "npm run sample --",
  purpose: "Does one sample thing.",
  flags: {
    env: environmentFlag(),
    count: { value: "<n>", help: "how many", parse: wholeNumber({ min: 1, max: 9 }), default: "3" },
    mode: { value: "<fast|slow>", help: "how", parse: oneOf(["fast", "slow"] as const) },
    tag: { value: "<t>", help: "a tag", repeatable: true },
    "dry-run": { help: "change nothing", conflicts: ["yes"] },
    yes: { help: "really" },
  },
  examples: ["npm run sample -- --env dev --count 2"],
  exitCodes: { 0: "done", 1: "failed", 2: USAGE_ERROR },
  environment: { SAMPLE_TOKEN: "the token" },
});

const STRICT = defineCli({
  command: "npm run strict --",
  purpose: "Keeps exit code 2 for a verdict.",
  flags: { limit: { value: "<n>", help: "a limit", parse: wholeNumber({ min: 1 }) } },
  examples: ["npm run strict -- --limit 5"],
  exitCodes: { 0: "fine", 1: "failed or usage error", 2: "a verdict" },
  usageExitCode: 1,
});

const output = captureOutput();

/** Runs SAMPLE (or `cli`) with an action that records its flags and exits 0. */
async function parse(argv: string[], cli = SAMPLE as typeof SAMPLE | typeof STRICT) {
  const seen: unknown[] = [];
  const code = await cli.run(argv, async (flags) => {
    seen.push(flags);
    return 0;
  });
  return { code, seen };
}

async function usageError(argv: string[], cli = SAMPLE as typeof SAMPLE | typeof STRICT): Promise<UserError> {
  try {
    await parse(argv, cli);
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error(`${argv.join(" ")} was accepted`);
}

describe("help", () => {
  it.each([["--help"], ["-h"]])("%s prints to stdout and resolves to 0 without running the action", async (flag) => {
    expect([await parse([flag]), output.stderr]).toEqual([{ code: 0, seen: [] }, ""]);
  });

  it("lists every flag with its meaning", async () => {
    await parse(["--help"]);
    expect(output.stdout).toEqual(expect.stringMatching(/--env <name> +environment to act on \(see npm run environments\)\s+\(required\)/));
  });

  it("shows a default", async () => {
    await parse(["--help"]);
    expect(output.stdout).toMatch(/--count <n> +how many \(default: 3\)/);
  });

  it("spells out the required flags in the usage line", async () => {
    await parse(["--help"]);
    expect(output.stdout.split("\n")[0]).toBe("Usage: npm run sample -- --env <name> [options]");
  });

  it("ends with the examples, the exit codes and the environment variables", async () => {
    await parse(["--help"]);
    expect(output.stdout.slice(output.stdout.indexOf("\nExamples:"))).toBe(
      "\nExamples:\n  npm run sample -- --env dev --count 2\n" +
        `\nExit codes:\n  0  done\n  1  failed\n  2  ${USAGE_ERROR}\n` +
        "\nEnvironment:\n  SAMPLE_TOKEN  the token\n  DEBUG=1       print the stack trace of an unexpected error\n",
    );
  });

  it("is the text helpText returns", async () => {
    await parse(["--help"]);
    expect(output.stdout).toBe(SAMPLE.helpText());
  });
});

describe("flag values", () => {
  it("parses values, applies defaults through the parser and makes switches booleans", async () => {
    const { seen } = await parse(["--env", "staging", "--mode", "slow", "--tag", "a", "--tag", "b"]);
    expect(seen[0]).toMatchObject({ env: { name: "staging" }, count: 3, mode: "slow", tag: ["a", "b"], "dry-run": false, yes: false });
  });

  it("leaves an absent optional flag undefined", async () => {
    expect((await parse(["--env", "dev"])).seen[0]).toMatchObject({ mode: undefined, tag: undefined });
  });

  it("accepts --flag=value", async () => {
    expect((await parse(["--env=prod"])).seen[0]).toMatchObject({ env: { name: "prod" } });
  });
});

describe("environmentOrFirst", () => {
  it("takes the first environment in pipeline order when --env was not given", () => {
    expect(environmentOrFirst(undefined).name).toBe(environmentNames()[0]);
  });

  it("keeps the environment --env named", () => {
    const last = environmentNames().at(-1)!;
    expect(environmentOrFirst(knownEnvironment(last)).name).toBe(last);
  });
});

describe("usage errors", () => {
  it("exit with code 2 by default", async () => {
    expect((await usageError(["--env", "dev", "--bogus"])).exitCode).toBe(2);
  });

  it("exit with the tool's own usage code", async () => {
    expect((await usageError(["--bogus"], STRICT)).exitCode).toBe(1);
  });

  it("suggest the closest flag for a misspelt one", async () => {
    expect((await usageError(["--env", "dev", "--dryrun"])).message).toMatch(/^unknown option '--dryrun'\n\(Did you mean --dry-run\?\)/);
  });

  it("point at --help", async () => {
    expect((await usageError(["--env", "dev", "--dryrun"])).message.split("\n").at(-1)).toBe("(see npm run sample -- --help)");
  });

  it("name the flag, the rule and the value seen for a bad value", async () => {
    expect((await usageError(["--env", "dev", "--count", "12"])).message).toMatch(/^--count must be a whole number from 1 to 9 \(got "12"\)/);
  });

  it("give a bad value the tool's usage code", async () => {
    expect((await usageError(["--limit", "0"], STRICT)).exitCode).toBe(1);
  });

  it("list the allowed words for a choice", async () => {
    expect((await usageError(["--env", "dev", "--mode", "medium"])).message).toMatch(/^--mode must be one of fast, slow \(got "medium"\)/);
  });

  it("name the known environments for an unknown one", async () => {
    expect((await usageError(["--env", "no-such-env-x9"])).message).toMatch(`--env must name a known environment: ${environmentNames().join(", ")} (got "no-such-env-x9")`);
  });

  it("name a missing required flag", async () => {
    expect((await usageError([])).message).toMatch(/^missing required flag --env <name>/);
  });

  it("report an unknown flag before a missing required one", async () => {
    expect((await usageError(["--evn", "dev"])).message).toMatch(/^unknown option '--evn'\n\(Did you mean --env\?\)/);
  });

  it("refuse flags that contradict each other", async () => {
    expect((await usageError(["--env", "dev", "--dry-run", "--yes"])).message).toMatch(/^option '--dry-run' cannot be used with option '--yes'/);
  });

  it("refuse a stray argument", async () => {
    expect((await usageError(["--env", "dev", "extra"])).message).toMatch(/^too many arguments/);
  });

  it("are raised before the action runs", async () => {
    const action = jest.fn(async () => 0);
    await SAMPLE.run(["--env", "dev", "--count", "0"], action).catch(() => undefined);
    expect(action).not.toHaveBeenCalled();
  });

  it("print nothing themselves (runCli prints them once)", async () => {
    await usageError(["--env", "dev", "--bogus"]);
    expect([output.stdout, output.stderr]).toEqual(["", ""]);
  });

  it("from the action keep code 2 as the tool's usage code", async () => {
    const error = await STRICT.run([], async () => {
      throw new UserError("give --plan or --dir", 2);
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ exitCode: 1, message: "give --plan or --dir" });
  });
});

describe("describeFailure", () => {
  const bug = new TypeError("cannot read properties of undefined (reading 'x')");

  it("prints a user error's message without a stack, with its exit code", () => {
    expect(describeFailure(new UserError("--dir: directory not found", 1), false)).toEqual({ text: "error: --dir: directory not found", exitCode: 1 });
  });

  it("prints one line and the DEBUG hint for an unexpected error", () => {
    expect(describeFailure(bug, false)).toEqual({
      text: "error: TypeError: cannot read properties of undefined (reading 'x') (unexpected; run again with DEBUG=1 to see the stack trace)",
      exitCode: 1,
    });
  });

  it("adds the stack trace with DEBUG", () => {
    expect(describeFailure(bug, true).text).toContain(`\n${bug.stack}`);
  });

  it("says plainly that there are no credentials when the SDK's chain found none", () => {
    const error = Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" });
    expect(describeFailure(error, false)).toEqual({ text: expect.stringMatching(/^error: no AWS credentials found; set AWS_PROFILE/), exitCode: 1 });
  });
});
