import { z } from 'zod';
import { UsageError } from '../errors.js';
import { PLATE_REGIONS } from '../core/plate-format.js';

/** Every tunable of indexing, with its default, in one place. Unknown keys are refused. */
export const IndexSettingsSchema = z
  .object({
    sampling: z
      .object({
        /** Frames a second analysed (the first frame of each 1/fps of presentation time). */
        fps: z.number().positive().max(60).default(2),
        /** Frames wider than this are scaled down before analysis; boxes are still in source pixels. */
        maxWidth: z.number().int().min(160).max(7680).default(1920),
      })
      .strict()
      .prefault({}),
    faces: z
      .object({
        enabled: z.boolean().default(true),
        /**
         * Which recogniser describes faces: 'mobilefacenet' (512-d, the default: measured best on
         * real CCTV) or 'face-api' (128-d, the 0.2 recogniser, kept as a reference). One store
         * holds one recogniser's vectors.
         */
        recognizer: z.enum(['mobilefacenet', 'face-api']).default('mobilefacenet'),
      })
      .strict()
      .prefault({}),
    plates: z
      .object({
        enabled: z.boolean().default(true),
        /**
         * Motion is scanned for plates at most this often (seconds); new motion between scans
         * and the neighbourhood of plates being followed are read on every analysed frame.
         */
        scanSeconds: z.number().positive().max(3600).default(1),
        /**
         * The scan interval once nothing was found for 10 s (people-only footage); a find brings
         * back scanSeconds. Set it to scanSeconds to scan at one pace throughout.
         */
        quietScanSeconds: z.number().positive().max(3600).default(2),
        /** Look at the vehicle carrying each plate (type and colour, a COCO detector on a crop). */
        vehicles: z.boolean().default(true),
        /**
         * Plate formats settled texts are written in (core/plate-format.ts): a region code (gb, sk,
         * br, ...), 'auto' (inferred per source from its own texts) or 'none' (as read).
         */
        region: z
          .string()
          .refine((r) => r === 'auto' || r === 'none' || PLATE_REGIONS.includes(r), {
            message: `a plate region: auto, none or one of ${PLATE_REGIONS.join(', ')}`,
          })
          .default('auto'),
      })
      .strict()
      .prefault({}),
    motion: z
      .object({
        /** Skip face and plate stages on frames where nothing moved, and search only where it did. */
        enabled: z.boolean().default(true),
        /** Keyframe interval (seconds): recent motion areas and last faces/plates are searched even if still. */
        keyframeSeconds: z.number().positive().max(3600).default(10),
        /** The whole frame is searched at least this often (seconds), motion or not. */
        fullFrameSeconds: z.number().positive().max(86400).default(60),
        /** Grey-level change (0..255) that counts as motion. */
        threshold: z.number().int().min(1).max(255).default(16),
      })
      .strict()
      .prefault({}),
    runtime: z
      .object({
        /** Where the nets run: 'auto' uses a GPU provider when one loads, else the CPU. */
        device: z.enum(['auto', 'cpu', 'gpu']).default('cpu'),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type IndexSettings = z.infer<typeof IndexSettingsSchema>;

export function parseIndexSettings(input: unknown): IndexSettings {
  const r = IndexSettingsSchema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0];
    const path = issue?.path.join('.') || '(root)';
    throw new UsageError(`setting ${path}: ${issue?.message ?? 'invalid'}`);
  }
  return r.data;
}
