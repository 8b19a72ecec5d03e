import { UserError } from "../../../lib/errors";
import { environmentByName, integerFlag } from "../../../scripts/shared/cli";

describe("environmentByName", () => {
  it("returns the validated environment", () => {
    expect(environmentByName("staging").dns.domainNames).toEqual(["staging.example.com"]);
  });

  it("treats an unknown name as a usage error that lists the known ones", () => {
    expect(() => environmentByName("qa")).toThrow(
      new UserError('--env: unknown environment "qa"; known: dev, staging, prod', 2),
    );
  });

  it("exits 2 for an unknown name", () => {
    let exitCode: number | undefined;
    try {
      environmentByName("qa");
    } catch (error) {
      exitCode = (error as UserError).exitCode;
    }
    expect(exitCode).toBe(2);
  });
});

describe("integerFlag", () => {
  it("uses the default when the flag is absent", () => {
    expect(integerFlag(undefined, "--keep", { min: 1, default: 5 })).toBe(5);
  });

  it("refuses a value out of bounds as a usage error naming the flag", () => {
    expect(() => integerFlag("0", "--keep", { min: 1, max: 10, default: 5 })).toThrow(
      '--keep must be a whole number from 1 to 10 (got "0")',
    );
  });
});
