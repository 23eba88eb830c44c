/**
 * Cosine similarity at or above which two face descriptors (face-api 128-d, L2-normalised) are
 * taken as the same person.
 *
 * Measured by scripts/eval-faces.ts on /work/shared/data/faces (81 photos, 219 genuine and 480
 * impostor pairs; docs/accuracy-faces.md): genuine p5 0.945, impostor p99 0.911, impostor max
 * 0.925; TAR 1.00 at FAR <= 1e-2 (threshold 0.911). At 0.92: measured FAR 0.0042 (2 of 480),
 * TAR 1.00 (219 of 219). face-api descriptors are not centred, so unrelated faces still score
 * ~0.83 (impostor median): thresholds near 0.5 accept everyone.
 */
export const DEFAULT_FACE_THRESHOLD = 0.92;
