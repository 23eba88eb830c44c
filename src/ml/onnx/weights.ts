/**
 * Decodes a TensorFlow.js weights manifest + .bin pair (as face-api ships them) into plain
 * Float32Arrays, without loading tfjs. Quantised weights (uint8/uint16 with min and scale) are
 * dequantised the way tfjs does it: value = q * scale + min.
 */
import { InternalError } from '../../errors.js';
import { loadVerified } from '../model-files.js';
import { faceModel } from '../face/runtime.js';

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16'; scale?: number; min?: number };
}

export interface Weight {
  shape: number[];
  data: Float32Array;
}

export type WeightMap = Map<string, Weight>;

export function decodeWeights(bin: Uint8Array, specs: readonly WeightSpec[]): WeightMap {
  const out: WeightMap = new Map();
  let at = 0;
  for (const s of specs) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const q = s.quantization;
    const data = new Float32Array(n);
    if (!q) {
      const bytes = n * 4;
      const view = new DataView(bin.buffer, bin.byteOffset + at, bytes);
      for (let i = 0; i < n; i++)
        data[i] = s.dtype === 'int32' ? view.getInt32(i * 4, true) : view.getFloat32(i * 4, true);
      at += bytes;
    } else if (q.dtype === 'uint8' || q.dtype === 'uint16') {
      const size = q.dtype === 'uint8' ? 1 : 2;
      const view = new DataView(bin.buffer, bin.byteOffset + at, n * size);
      const scale = q.scale ?? 1;
      const min = q.min ?? 0;
      for (let i = 0; i < n; i++)
        data[i] = (size === 1 ? view.getUint8(i) : view.getUint16(i * 2, true)) * scale + min;
      // tfjs rounds dequantised int32 weights back to integers
      if (s.dtype === 'int32') for (let i = 0; i < n; i++) data[i] = Math.round(data[i]!);
      at += n * size;
    } else {
      throw new InternalError(`weights ${s.name}: quantisation ${q.dtype} is not supported`);
    }
    out.set(s.name, { shape: [...s.shape], data });
  }
  if (at !== bin.byteLength)
    throw new InternalError(`weights file holds ${bin.byteLength} bytes, the manifest describes ${at}`);
  return out;
}

/** face-api weights by models/faces.json id (e.g. 'face-api/ssd_mobilenetv1'), both files hash-checked. */
export function loadFaceApiWeights(id: string): WeightMap {
  const manifest = JSON.parse(loadVerified(faceModel(`${id}#manifest`)).toString('utf8')) as Array<{
    weights: WeightSpec[];
  }>;
  return decodeWeights(
    loadVerified(faceModel(id)),
    manifest.flatMap((g) => g.weights),
  );
}

/** A weight that must exist, with the shape it must have. */
export function weight(map: WeightMap, name: string, shape?: number[]): Weight {
  const w = map.get(name);
  if (!w) throw new InternalError(`weights: no tensor '${name}'`);
  if (shape && (shape.length !== w.shape.length || shape.some((d, i) => d !== w.shape[i])))
    throw new InternalError(
      `weights: '${name}' has shape [${w.shape.join(',')}], expected [${shape.join(',')}]`,
    );
  return w;
}
