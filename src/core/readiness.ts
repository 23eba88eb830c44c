/**
 * When a file that is being written is complete: NVRs and copy jobs write footage over minutes,
 * so a file is taken only once its size and modification time have not changed for `settleMs`
 * (and then it must also parse to its end: the caller checks). Pure: the caller observes files.
 */

export interface FileState {
  size: number;
  mtimeMs: number;
  /** When this size and mtime were first seen. */
  since: number;
}

/** The state after observing a file's size and mtime at `now`. */
export function observe(prev: FileState | undefined, size: number, mtimeMs: number, now: number): FileState {
  if (prev && prev.size === size && prev.mtimeMs === mtimeMs) return prev;
  return { size, mtimeMs, since: now };
}

/**
 * Whether a file has been still long enough to be taken. A file whose mtime is already older than
 * `settleMs` when first seen (footage that was there before the watch began) is still at once.
 */
export function isSettled(s: FileState, now: number, settleMs: number): boolean {
  if (s.size === 0) return false;
  return now - s.since >= settleMs || now - s.mtimeMs >= settleMs;
}

/** Retry delay after `attempts` failed deliveries: 1 s, 2 s, 4 s … capped at `maxMs`. */
export function backoffMs(attempts: number, maxMs = 60_000): number {
  return Math.min(maxMs, 1000 * 2 ** Math.max(0, attempts - 1));
}
