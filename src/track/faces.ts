/** Track stage, faces: per-source linking of sampled-frame detections into sightings. */
import type { FaceTrack } from '../core/face-track.js';
import type { Sighting } from '../core/types.js';

export {
  linkFaceTracks,
  DEFAULT_FACE_TRACK_OPTIONS,
  type FaceFrame,
  type FaceTrack,
  type FaceTrackOptions,
  type TrackedFace,
} from '../core/face-track.js';

/** The Sighting row of a face track (frame size = the source's, as boxes are in source pixels). */
export function faceTrackToSighting(
  track: FaceTrack,
  source: { sha256: string; camera: string; width: number; height: number },
  trackId: string,
): Sighting {
  return {
    trackId,
    kind: 'face',
    sourceSha256: source.sha256,
    camera: source.camera,
    startOffset: track.startOffset,
    endOffset: track.endOffset,
    bestOffset: track.best.offset,
    bestPts: track.best.pts,
    bestFrame: track.best.frame,
    bestBox: track.best.face.box,
    frameWidth: source.width,
    frameHeight: source.height,
    detections: track.detections.length,
    score: track.best.face.quality.overall,
  };
}
