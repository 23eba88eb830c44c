import { describe, expect, it } from 'vitest';
import { decodeWeights } from '../../src/ml/onnx/weights.js';

describe('tfjs weights decoding', () => {
  it('reads float32 and dequantises uint8 (q * scale + min) in manifest order', () => {
    const bin = new Uint8Array(8 + 3);
    new DataView(bin.buffer).setFloat32(0, 1.5, true);
    new DataView(bin.buffer).setFloat32(4, -2, true);
    bin.set([0, 10, 255], 8);
    const m = decodeWeights(bin, [
      { name: 'a', shape: [2], dtype: 'float32' },
      { name: 'b', shape: [3, 1], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } },
    ]);
    expect(Array.from(m.get('a')!.data)).toEqual([1.5, -2]);
    expect(Array.from(m.get('b')!.data)).toEqual([-1, 4, 126.5]);
    expect(m.get('b')!.shape).toEqual([3, 1]);
  });

  it('refuses a file whose size does not match its manifest', () => {
    expect(() => decodeWeights(new Uint8Array(5), [{ name: 'a', shape: [1], dtype: 'float32' }])).toThrow(
      /holds 5 bytes, the manifest describes 4/,
    );
  });
});
