import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { DataType, floatTensor, GraphBuilder, int64Tensor } from '../../src/ml/onnx/builder.js';

describe('ONNX graph builder', () => {
  it('writes a model onnxruntime loads and runs: conv + bias + relu, transpose, reshape', async () => {
    const g = new GraphBuilder('t');
    const x = g.input({ name: 'x', type: DataType.FLOAT, shape: ['n', 3, 3, 1] });
    // NHWC in, like tfjs: transpose to NCHW for Conv
    const nchw = g.node('Transpose', [x], { perm: [0, 3, 1, 2] });
    const w = g.init(
      'w',
      floatTensor([1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, -1, -1, -1, -1], [2, 1, 3, 3]),
    );
    const b = g.init('b', floatTensor([0.5, 2], [2]));
    const conv = g.node('Conv', [nchw, w, b], { pads: [1, 1, 1, 1], kernel_shape: [3, 3] });
    const relu = g.node('Relu', [conv]);
    const shape = g.init('shape', int64Tensor([-1, 18]));
    g.node('Reshape', [relu, shape], {}, ['y']);
    const lin = g.node('Mul', [x, g.init('k', floatTensor([2.5], [1]))]);
    g.node('LeakyRelu', [lin], { alpha: { float: 1 } }, ['z']);
    g.output({ name: 'y', type: DataType.FLOAT, shape: ['n', 18] });
    g.output({ name: 'z', type: DataType.FLOAT, shape: ['n', 3, 3, 1] });
    const session = await ort.InferenceSession.create(g.toBytes());
    const input = new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), [1, 3, 3, 1]);
    const out = await session.run({ x: input });
    const y = Array.from(out.y!.data as Float32Array);
    // channel 0: 3x3 box sum of the zero-padded image + 0.5; channel 1: minus that + 2, floored at 0
    expect(y.slice(0, 9)).toEqual([12.5, 21.5, 16.5, 27.5, 45.5, 33.5, 24.5, 39.5, 28.5]);
    expect(y.slice(9)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(out.z!.data as Float32Array)).toEqual([2.5, 5, 7.5, 10, 12.5, 15, 17.5, 20, 22.5]);
    await session.release();
  });
});
