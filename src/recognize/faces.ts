/** Recognise stage, faces: comparing descriptors against a query. */
import { cosine, fuseVectors } from '../core/vector.js';
import { DEFAULT_FACE_THRESHOLD } from '../ml/face/threshold.js';

export { DEFAULT_FACE_THRESHOLD } from '../ml/face/threshold.js';
export { createFaceApiRecognizer, type FaceRecognizer } from '../ml/face/recognizer.js';

/** One query vector from several photos of the same person: the normalised mean. */
export function fuseQuery(descriptors: readonly Float32Array[]): Float32Array {
  return fuseVectors(descriptors);
}

/** Similarity of a stored descriptor to the query, and whether it passes the threshold. */
export function matchFace(
  query: Float32Array,
  candidate: Float32Array,
  threshold = DEFAULT_FACE_THRESHOLD,
): { similarity: number; match: boolean } {
  const similarity = cosine(query, candidate);
  return { similarity, match: similarity >= threshold };
}
