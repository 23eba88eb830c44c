/** Detect stage, faces: the analyzer finds, aligns and describes faces in one pass per frame. */
export {
  createFaceAnalyzer,
  DEFAULT_FACE_ANALYZER_OPTIONS,
  type FaceAnalyzer,
  type FaceAnalyzerInit,
  type FaceAnalyzerOptions,
  type FaceTilingOptions,
  type FaceTimings,
} from '../ml/face/analyzer.js';
