import { DEFAULT_RECOGNIZER_ID, faceCalibration } from './calibration.js';

/**
 * The conservative match threshold of the default recogniser (MobileFaceNet 512-d): the one for a
 * CCTV-like query against CCTV faces, where look-alikes score highest. Search picks per query
 * condition (src/ml/face/calibration.ts); this is the one to use where the condition is not known.
 * face-api's 128-d descriptors live on another scale (~0.92): see models/face-calibration.json.
 */
export const DEFAULT_FACE_THRESHOLD = faceCalibration(DEFAULT_RECOGNIZER_ID).cctv.search;
