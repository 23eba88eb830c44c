/**
 * Known failures. The CLI prints `message` as one line and exits with `exitCode`;
 * anything else is an internal error (stack shown only with --debug).
 */
export class SightlineError extends Error {
  readonly exitCode: number = 2;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad usage: wrong options or arguments (exit 2). */
export class UsageError extends SightlineError {}

/** Bad input: missing file, unreadable photo, corrupt results file (exit 2). */
export class InputError extends SightlineError {}

/** Done, but part of the work failed (exit 1). */
export class PartialFailure extends SightlineError {
  override readonly exitCode = 1;
}

/** A bug or an environment fault we did not foresee. */
export class InternalError extends Error {}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
