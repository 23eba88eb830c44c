/**
 * The neighbour search's dot products (core/neighbours.ts DotBlock) as one native matrix product:
 * an onnxruntime session holding a single Gemm (A × Bᵀ), built here, not loaded from a file.
 * Measured on the 2-core machine: ~130 GFLOP/s on blocks of 1,000 × 800 × 512, against ~1 GFLOP/s
 * for the JavaScript loop.
 */
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import type { DotBlock } from '../../core/neighbours.js';
import { DataType, GraphBuilder } from './builder.js';
import { cpuSessionOptions, oneAtATime } from './session.js';

export async function nativeDotBlock(
  threads = availableParallelism(),
): Promise<{ dots: DotBlock; dispose(): Promise<void> }> {
  const g = new GraphBuilder('dots');
  const a = g.input({ name: 'a', type: DataType.FLOAT, shape: ['rows', 'dims'] });
  const b = g.input({ name: 'b', type: DataType.FLOAT, shape: ['cols', 'dims'] });
  g.node('Gemm', [a, b], { transB: 1 }, ['y']);
  g.output({ name: 'y', type: DataType.FLOAT, shape: ['rows', 'cols'] });
  const session = await ort.InferenceSession.create(
    g.toBytes(),
    cpuSessionOptions(threads, { shapesVary: true }),
  );
  const queue = oneAtATime(session, 'dot products');
  const dots: DotBlock = (x, rows, y, cols, dims) =>
    queue.run(async () => {
      const out = await session.run({
        a: new ort.Tensor('float32', x.subarray(0, rows * dims), [rows, dims]),
        b: new ort.Tensor('float32', y.subarray(0, cols * dims), [cols, dims]),
      });
      return (out.y as ort.Tensor).data as Float32Array;
    });
  return { dots, dispose: () => queue.dispose() };
}
