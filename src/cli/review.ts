import { type Command, Option } from 'commander';
import { existsSync } from 'node:fs';
import { readFile, writeFile, rename } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import sharp from 'sharp';
import { plainText } from '../core/escape.js';
import type { SearchResult } from '../core/types.js';
import { InputError, UsageError } from '../errors.js';
import { annotate, displayCopy } from '../export/frames.js';
import { extractFramePng } from '../infra/evidence-frame.js';
import { sha256Buffer } from '../infra/hash.js';
import { applyReview } from '../review/decisions.js';
import { startReviewServer } from '../review/server.js';
import { openExportContext } from '../store/export-context.js';
import { Store } from '../store/store.js';
import { resultsStore, resultsStoreOption, storePath } from './common.js';
import { parseSearchDocumentText } from '../export/schema.js';

interface ReviewOpts {
  store?: string;
  examiner?: string;
  out?: string;
  port: string;
}

/** Frames across a sighting in the strip. */
const STRIP_FRAMES = 5;

/** `sightline review <results.json>`: a local page to accept or reject each sighting. */
export function registerReview(program: Command): void {
  program
    .command('review')
    .description(
      'accept or reject each sighting on a local web page (127.0.0.1, a token in the URL); decisions go to a new results file',
    )
    .argument('<results.json>', 'a file written by `sightline search … --json` (or trail, convoy)')
    .addOption(resultsStoreOption(': its sources give the frames'))
    .addOption(new Option('--examiner <name>', "the examiner's name (recorded with the decisions)"))
    .addOption(
      new Option('--out <file>', 'the reviewed results file (default: <name>.reviewed.json beside it)'),
    )
    .addOption(new Option('--port <n>', 'port on 127.0.0.1 (default: any free one)').default('0'))
    .action(async (resultsPath: string, opts: ReviewOpts) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError(`--port ${opts.port} is not a port number: e.g. --port 8765`);
      const original = resolve(resultsPath);
      const bytes = await readFile(original).catch(() => null);
      if (!bytes)
        throw new InputError(
          `cannot read ${plainText(resultsPath)}: give the file 'sightline search … --json' wrote`,
        );
      const doc = parseSearchDocumentText(bytes.toString('utf8'), plainText(resultsPath));
      const out = resolve(
        opts.out ?? join(dirname(original), `${basename(original).replace(/\.json$/i, '')}.reviewed.json`),
      );
      if (out === original)
        throw new UsageError(
          '--out is the results file itself: the original stays untouched, give another name',
        );
      const storeDir = storePath(resultsStore(opts.store, doc));
      const ctx = await openExportContext(storeDir);
      const store = await Store.open(storeDir, { create: false });
      const cameras = await store.cameraMap();
      store.close();

      // frames from the original sources, made when the page asks for them
      const cache = new Map<string, Promise<unknown>>();
      const once = <T>(key: string, make: () => Promise<T>): Promise<T> => {
        let p = cache.get(key) as Promise<T> | undefined;
        if (!p) cache.set(key, (p = make()));
        return p;
      };
      const frameAt = async (r: SearchResult, offset: number): Promise<Buffer> => {
        const record = await ctx.lookupSource(r.source.sha256, r.source.path);
        const path = [record?.path, r.source.path].find((p): p is string => !!p && existsSync(p));
        if (!path) throw new InputError(`source ${r.source.path} is missing`);
        const firstPts =
          r.evidence.pts !== undefined ? r.evidence.pts - r.evidence.offset : (record?.firstPts ?? 0);
        const fps = record?.fps ?? 25;
        // on a frame: the strip asks for times between the evidence frames
        const onFrame = offset === r.evidence.offset ? offset : Math.round(offset * fps) / fps;
        return extractFramePng({ path, pts: firstPts + onFrame, firstPts, fps });
      };
      const evidence = (rank: number): Promise<{ annotated: Buffer; crop: Buffer }> =>
        once(`e${rank}`, async () => {
          const r = doc.results[rank]!;
          const clean = await frameAt(r, r.evidence.offset);
          const { annotated, crop } = await annotate(
            clean,
            r.evidence.box,
            `#${rank + 1} ${r.camera} ${r.startTime ?? ''}`,
          );
          return { annotated: await displayCopy(annotated, 960), crop };
        });
      const strip = (rank: number): Promise<Buffer> =>
        once(`s${rank}`, async () => {
          const r = doc.results[rank]!;
          const span = Math.max(0, r.endOffset - r.startOffset);
          const offsets = Array.from(
            { length: STRIP_FRAMES },
            (_, i) => r.startOffset + (span * i) / (STRIP_FRAMES - 1),
          );
          const frames = await Promise.all(
            offsets.map(async (o) =>
              sharp(await frameAt(r, o))
                .resize({ width: 240 })
                .png()
                .toBuffer(),
            ),
          );
          const metas = await Promise.all(frames.map((f) => sharp(f).metadata()));
          const h = Math.max(...metas.map((m) => m.height));
          return sharp({
            create: {
              width: 240 * frames.length + 4 * (frames.length - 1),
              height: h,
              channels: 3,
              background: '#222',
            },
          })
            .composite(frames.map((input, i) => ({ input, left: i * 244, top: 0 })))
            .png()
            .toBuffer();
        });

      const review = await startReviewServer({
        doc,
        cameraNames: new Map([...cameras].map(([id, c]) => [id, c.name])),
        ...(opts.examiner ? { examiner: opts.examiner } : {}),
        port,
        images: {
          frame: async (rank) => (await evidence(rank)).annotated,
          crop: async (rank) => (await evidence(rank)).crop,
          strip,
        },
        save: async (examiner, decisions) => {
          const reviewed = applyReview(doc, decisions, {
            examiner,
            reviewedAt: new Date().toISOString(),
            resultsFile: { path: original, sha256: sha256Buffer(bytes) },
          });
          const text = `${JSON.stringify(reviewed, null, 2)}\n`;
          // written whole, then moved into place: a reader never sees half a file
          await writeFile(`${out}.tmp`, text);
          await rename(`${out}.tmp`, out);
          await ctx.audit.append('review', {
            examiner,
            resultsFile: { path: original, sha256: sha256Buffer(bytes) },
            reviewedFile: { path: out, sha256: sha256Buffer(text) },
            accepted: reviewed.review.accepted,
            rejected: reviewed.review.rejected,
            unreviewed: reviewed.review.unreviewed,
            decisions: [...decisions].map(([rank, d]) => ({
              rank,
              trackId: doc.results[rank]?.trackId ?? null,
              ...d,
            })),
          });
          process.stderr.write(
            `saved ${plainText(out)}: ${reviewed.review.accepted} accepted, ${reviewed.review.rejected} rejected, ${reviewed.review.unreviewed} not reviewed (by ${plainText(examiner)})\n`,
          );
          return { file: out, accepted: reviewed.review.accepted, rejected: reviewed.review.rejected };
        },
      });
      process.stdout.write(`review ${doc.results.length} sightings at ${review.url}\n`);
      process.stderr.write(
        `open that address in a browser on this machine; Ctrl-C stops (decisions are saved with s or Save)\n`,
      );
      await new Promise<void>((resolveStop) => {
        const stop = (): void => resolveStop();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await review.close();
    });
}
