/**
 * onnxruntime session options shared by every net of the indexer.
 *
 * onnxruntime-node runs `session.run` synchronously on the JS thread (wrapped in setImmediate),
 * so nets never overlap each other; each run's parallelism comes from its intra-op threads.
 * Spinning is off: by default the intra-op threads busy-wait between runs, which on a 2-core
 * machine took CPU from ffmpeg's decoding and from the other net's next run (bench clip: index
 * 44.9 s -> 33.4 s wall, 85 -> 58 CPU-s, same faces and plates). Denormal floats are flushed to
 * zero: they only arise deep in the nets, at magnitudes (< 1.2e-38) no output can feel, and their
 * slow path cost the face SSD ~8 % (18.1 -> 16.7 ms a pass on 2 threads).
 */
import type { InferenceSession } from 'onnxruntime-node';
import { InternalError } from '../../errors.js';

export function cpuSessionOptions(
  threads: number,
  { shapesVary = false }: { shapesVary?: boolean } = {},
): InferenceSession.SessionOptions {
  return {
    // a memory pattern is planned and kept per input shape; for a net fed many shapes (the face
    // SSD on regions) the kept blocks cost 300 MB of peak RSS on 120 s of 1080p
    enableMemPattern: !shapesVary,
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: '0' }, set_denormal_as_zero: '1' } },
  };
}

/**
 * One run at a time over a session whose input buffer is shared: calls queue behind each other;
 * after `dispose` (which waits for the queue, then releases the session) a call is refused.
 */
export function oneAtATime(
  session: { release(): Promise<void> },
  name: string,
): { run<T>(f: () => Promise<T>): Promise<T>; dispose(): Promise<void> } {
  let queue: Promise<unknown> = Promise.resolve();
  let released = false;
  return {
    run<T>(f: () => Promise<T>): Promise<T> {
      const next = queue.then(() => {
        if (released) throw new InternalError(`${name} used after dispose()`);
        return f();
      });
      queue = next.catch(() => undefined);
      return next;
    },
    async dispose() {
      if (released) return;
      released = true;
      await queue;
      await session.release();
    },
  };
}
