/** Cosine similarity at or above which two face descriptors are taken as the same person. */
export const DEFAULT_FACE_THRESHOLD = 0.5;
