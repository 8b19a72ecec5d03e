/**
 * `npx tsx .github/scripts/check-role.ts --variable <NAME> --account <id> --env <env>`, with the
 * variable's value in ROLE_ARN: stops a job, before it asks for AWS credentials, when the
 * repository variable naming its role is unset or holds something other than an IAM role ARN
 * of the environment's account. configure-aws-credentials would otherwise fail with an
 * unhelpful "Input required: role-to-assume" or an STS error, and an unset plan-role
 * variable used to fall back silently to the deploy role, which refuses pull requests (it
 * trusts only its GitHub environment's OIDC subject).
 *
 * Exit 0 with one line when the value is a role ARN in that account, 1 with an `::error::`
 * annotation naming the variable and how to set it otherwise, 2 for a usage error.
 */
import { defineCli, matching, runCli, USAGE_ERROR } from "../../scripts/shared/cli";

export interface RoleCheck {
  readonly ok: boolean;
  readonly message: string;
}

/** An IAM role ARN (any partition); group 1 is its account. */
const ROLE_ARN = /^arn:aws(?:-[a-z]+)*:iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;

const WHERE = "Settings → Secrets and variables → Actions → Variables (docs: the pipeline's setup steps)";

export function checkRoleVariable(input: { readonly variable: string; readonly value: string | undefined; readonly account: string; readonly env: string }): RoleCheck {
  const value = input.value?.trim() ?? "";
  const { variable, account, env } = input;
  if (value === "") {
    return {
      ok: false,
      message: `repository variable ${variable} is not set: this job assumes the IAM role it names in ${env}'s account ${account}. Set it to that role's ARN under ${WHERE}.`,
    };
  }
  const m = ROLE_ARN.exec(value);
  if (!m) {
    return {
      ok: false,
      message: `repository variable ${variable} is ${JSON.stringify(value)}, not an IAM role ARN (arn:aws:iam::${account}:role/<name>). Fix it under ${WHERE}.`,
    };
  }
  if (m[1] !== account) {
    return {
      ok: false,
      message: `repository variable ${variable} names a role in account ${m[1]}, but environments/${env}.ts deploys ${env} into account ${account}. Point it at the role in ${account} under ${WHERE}.`,
    };
  }
  return { ok: true, message: `${variable} names ${value}, a role in ${env}'s account ${account}` };
}

export const CHECK_ROLE_CLI = defineCli({
  command: "npx tsx .github/scripts/check-role.ts",
  purpose:
    "Fails (an ::error:: annotation, exit 1) unless ROLE_ARN, the value of the repository variable --variable, is an IAM role ARN " +
    "in the environment's account. Run it before configure-aws-credentials so a missing variable is named as such.",
  flags: {
    variable: { value: "<NAME>", help: "the repository variable's name, for the message", parse: matching(/^[A-Z][A-Z0-9_]*$/, "a variable name in capitals"), required: true },
    account: { value: "<id>", help: "the environment's account id (environments/<env>.ts)", parse: matching(/^\d{12}$/, "a 12-digit AWS account id"), required: true },
    env: { value: "<env>", help: "the environment's name, for the message", required: true },
  },
  examples: ['ROLE_ARN="${{ vars[matrix.env.planRoleVariable] }}" npx tsx .github/scripts/check-role.ts --variable AWS_PLAN_ROLE_ARN_DEV --account 111111111111 --env dev'],
  exitCodes: { 0: "the variable names a role in that account", 1: "it is unset, not a role ARN, or in another account", 2: USAGE_ERROR },
  environment: { ROLE_ARN: "the variable's value (empty when unset)" },
});

export function main(argv: readonly string[], env: NodeJS.ProcessEnv, write: (text: string) => void): Promise<number> {
  return CHECK_ROLE_CLI.run(
    argv,
    async (flags) => {
      const result = checkRoleVariable({ variable: flags.variable, value: env.ROLE_ARN, account: flags.account, env: flags.env });
      write(result.ok ? `${result.message}\n` : `::error::${result.message}\n`);
      return result.ok ? 0 : 1;
    },
    { stdout: write },
  );
}

if (require.main === module) runCli((argv) => main(argv, process.env, (text) => process.stdout.write(text)));
