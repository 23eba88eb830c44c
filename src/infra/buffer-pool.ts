/**
 * Recycled frame buffers. A sampled 1080p RGB frame is 6 MB; the pipeline holds several (prefetch,
 * lanes) long enough that they outlive V8's young generation, so each new one added external
 * memory that only full collections gave back (index runs spent seconds in mark-compacts). The
 * owner gives a buffer back once nothing reads it any more; `take` hands it out again.
 */
export class BufferPool {
  private readonly free: Buffer[] = [];

  /** `keep`: most idle buffers held (beyond that, given-back buffers are left to the GC). */
  constructor(private readonly keep: number) {}

  /** A buffer of exactly `bytes` (contents undefined): a recycled one when one of that size is idle. */
  take(bytes: number): Buffer {
    const i = this.free.findIndex((b) => b.length === bytes);
    if (i >= 0) return this.free.splice(i, 1)[0]!;
    return Buffer.allocUnsafe(bytes);
  }

  /** Gives `buf` back: the caller must not read or write it afterwards. */
  give(buf: Buffer): void {
    if (this.free.length >= this.keep || this.free.includes(buf)) return;
    this.free.push(buf);
  }

  /** Idle buffers held now. */
  get idle(): number {
    return this.free.length;
  }
}
