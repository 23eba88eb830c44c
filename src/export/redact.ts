/**
 * `export --redact`: bystanders blurred out of every evidence image. Faces are found again on
 * the full-resolution clean frame with a lenient detector (the index may have skipped a face:
 * too small, turned, soft), plates with the text detector; each region is reduced to a handful of
 * blocks and blurred, which leaves no identifying edges. The unredacted frame's SHA-256 is
 * recorded so a court can re-derive it from the original.
 */
import sharp from 'sharp';
import { type RedactRegion, bystanders } from '../core/redact.js';
import type { Box, Frame } from '../core/types.js';
import type { PlateReader } from '../detect/plates.js';
import type { FaceAnalyzer } from '../ml/face/analyzer.js';

export interface Redactor {
  /** Face and plate boxes on a frame, lenient. */
  detect(png: Buffer, plates: boolean): Promise<{ faces: Box[]; plates: Box[] }>;
  /** What the report says of the method. */
  readonly method: string;
  dispose(): Promise<void>;
}

export const REDACT_METHOD =
  'faces found again on each full-resolution frame (face-api SSD MobileNet v1, score ≥ 0.2, no second opinion, faces from 12 px) and, for plate results, every text box of the plate text detector; each bystander region grown by 30 % and reduced to at most 6 × 8 blocks, then blurred (Gaussian σ a tenth of the region)';

export function createRedactor(faces: FaceAnalyzer, plates: () => Promise<PlateReader>): Redactor {
  let reader: PlateReader | undefined;
  return {
    method: REDACT_METHOD,
    async detect(png, withPlates) {
      const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      const frame: Frame = {
        index: 0,
        pts: 0,
        offset: 0,
        width: info.width,
        height: info.height,
        data,
        sourceWidth: info.width,
        sourceHeight: info.height,
      };
      const found = await faces.analyzeFrame(frame);
      let plateBoxes: Box[] = [];
      if (withPlates) {
        reader ??= await plates();
        plateBoxes = (await reader.readFrame(frame)).map((r) => r.box);
      }
      return { faces: found.map((f) => f.box), plates: plateBoxes };
    },
    async dispose() {
      faces.dispose();
      await reader?.dispose();
    },
  };
}

/** The frame with `regions` reduced to a few blocks and blurred; the rest untouched. */
export async function blurRegions(png: Buffer, regions: readonly RedactRegion[]): Promise<Buffer> {
  if (regions.length === 0) return png;
  const patches = await Promise.all(
    regions.map(async ({ box: [left, top, width, height] }) => {
      // a handful of blocks across: no feature survives, only the region's rough colours
      const small = await sharp(png)
        .extract({ left, top, width, height })
        .resize(
          Math.max(1, Math.min(6, Math.round(width / 16))),
          Math.max(1, Math.min(8, Math.round(height / 16))),
          {
            kernel: 'cubic',
          },
        )
        .toBuffer();
      const input = await sharp(small)
        .resize(width, height, { kernel: 'cubic' })
        .blur(Math.max(4, Math.min(width, height) / 10))
        .png()
        .toBuffer();
      return { input, left, top };
    }),
  );
  return sharp(png).composite(patches).png().toBuffer();
}

/** Bystander regions of a clean frame and its redacted copy. */
export async function redactFrame(
  redactor: Redactor,
  clean: Buffer,
  subject: { kind: 'face' | 'plate'; box: Box },
): Promise<{ png: Buffer; regions: RedactRegion[] }> {
  const meta = await sharp(clean).metadata();
  const detected = await redactor.detect(clean, subject.kind === 'plate');
  const regions = bystanders(detected, subject, meta.width, meta.height);
  return { png: await blurRegions(clean, regions), regions };
}
