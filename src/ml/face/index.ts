export {
  createFaceAnalyzer,
  DEFAULT_FACE_ANALYZER_OPTIONS,
  type FaceAnalyzer,
  type FaceAnalyzerInit,
  type FaceAnalyzerOptions,
  type FaceTilingOptions,
  type FaceTimings,
} from './analyzer.js';
export { createFaceApiRecognizer, type FaceRecognizer } from './recognizer.js';
export { getFaceRuntime, type FaceRuntime } from './runtime.js';
export { DEFAULT_FACE_THRESHOLD } from './threshold.js';
