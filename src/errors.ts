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

export type EnvironmentFaultKind = 'disk-full' | 'read-only' | 'denied' | 'open-files';

/** Which machine fault an error is, from its errno code or the OS text LanceDB embeds in its messages. */
export function environmentFaultKind(err: unknown): EnvironmentFaultKind | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const text = errorMessage(err);
  if (
    code === 'ENOSPC' ||
    code === 'EDQUOT' ||
    /No space left on device|os error 28\b|Disk quota exceeded/i.test(text)
  )
    return 'disk-full';
  if (code === 'EROFS' || /Read-only file system|os error 30\b/i.test(text)) return 'read-only';
  if (code === 'EACCES' || code === 'EPERM' || /Permission denied|os error 13\b/i.test(text)) return 'denied';
  if (code === 'EMFILE' || code === 'ENFILE' || /Too many open files|os error 24\b/i.test(text))
    return 'open-files';
  return undefined;
}

/**
 * Faults of the machine rather than of the tool (disk full, read-only or forbidden store), as one
 * plain line (exit 2). This is the one place they are mapped; anything else gives undefined.
 */
export function environmentFault(err: unknown): InputError | undefined {
  const path = (err as NodeJS.ErrnoException | undefined)?.path;
  const where = path ? ` (${path})` : '';
  switch (environmentFaultKind(err)) {
    case 'disk-full':
      return new InputError(
        `disk full${where}: free space or use a --store on another disk, then run again (what was indexed is kept)`,
      );
    case 'read-only':
      return new InputError(`read-only file system${where}: use a writable --store`);
    case 'denied':
      return new InputError(`permission denied${where}: use a --store you may write to`);
    case 'open-files':
      return new InputError('too many open files: raise the limit (ulimit -n) and run again');
    default:
      return undefined;
  }
}
