/**
 * face-api's own nets on TensorFlow.js behind the analyzer's net interfaces: the runtime of GPU
 * builds (tfjs-node-gpu) and the reference the ONNX graphs are proved equal to.
 */
import type { Box } from '../../core/types.js';
import type { FaceDetectorNet, LandmarkNet } from './nets.js';
import { loadWeightMap, type FaceApiModule, type FaceRuntime } from './runtime.js';

type FaceApiImage = Parameters<FaceApiModule['extractFaceTensors']>[0];

/** face-api's own SSD on TensorFlow.js behind the detector interface (GPU builds, comparisons). */
export function tfjsSsd(rt: FaceRuntime): FaceDetectorNet {
  const { faceapi, tf } = rt;
  const net = new faceapi.SsdMobilenetv1();
  net.loadFromWeightMap(loadWeightMap(tf, 'face-api/ssd_mobilenetv1') as never);
  return {
    id: 'face-api/ssd_mobilenetv1@tfjs',
    async locate(img, o) {
      const t = tf.tensor3d(img.data, [img.height, img.width, 3], 'int32');
      try {
        const opts = new faceapi.SsdMobilenetv1Options(o);
        const dets = await net.locateFaces(t as unknown as FaceApiImage, opts);
        return dets.map((d) => ({
          box: [d.box.x, d.box.y, d.box.width, d.box.height] as Box,
          score: d.score,
        }));
      } finally {
        t.dispose();
      }
    },
    dispose: () => net.dispose(),
  };
}

/** face-api's own 68-point landmark net on TensorFlow.js behind the landmark interface. */
export function tfjsLandmarks(rt: FaceRuntime): LandmarkNet {
  const { faceapi, tf } = rt;
  const net = new faceapi.FaceLandmark68Net();
  net.loadFromWeightMap(loadWeightMap(tf, 'face-api/face_landmark_68') as never);
  return {
    id: 'face-api/face_landmark_68@tfjs',
    async detect(crops) {
      if (crops.length === 0) return [];
      const ts = crops.map((c) => tf.tensor3d(c.data, [c.height, c.width, 3], 'int32'));
      try {
        const out = await net.detectLandmarks(ts as unknown as FaceApiImage);
        return (Array.isArray(out) ? out : [out]).map((l) =>
          l.positions.map((p): [number, number] => [p.x, p.y]),
        );
      } finally {
        for (const t of ts) t.dispose();
      }
    },
    dispose: () => net.dispose(),
  };
}
