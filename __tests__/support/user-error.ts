import { UserError } from "../../lib/errors";

/** The UserError `run` throws; fails the test if it throws nothing or anything else. */
export function thrownUserError(run: () => unknown): UserError {
  try {
    run();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error("expected a UserError, but nothing was thrown");
}
