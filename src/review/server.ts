/**
 * The review server: 127.0.0.1 only, every request carrying the session's unguessable token
 * (else 403), serving the page, the sightings, their frames, and saving the decisions to a new
 * results file (the original stays as it was).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SearchDocument } from '../core/types.js';
import { type Decision } from './decisions.js';
import { reviewPage } from './page.js';

export interface ReviewImages {
  frame(rank: number): Promise<Buffer>;
  crop(rank: number): Promise<Buffer>;
  strip(rank: number): Promise<Buffer>;
}

export interface ReviewServerOptions {
  doc: SearchDocument;
  /** Camera id → name, from the register. */
  cameraNames: ReadonlyMap<string, string>;
  images: ReviewImages;
  examiner?: string;
  port?: number;
  /** Writes the reviewed file; returns its path and the counts. */
  save(
    examiner: string,
    decisions: Map<number, { decision: Decision; note?: string }>,
  ): Promise<{
    file: string;
    accepted: number;
    rejected: number;
  }>;
}

export interface ReviewServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

const MAX_BODY = 4 << 20;

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  res.end(body);
}

const json = (res: ServerResponse, status: number, value: unknown): void =>
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));

async function body(req: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new Error('request too large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startReviewServer(opts: ReviewServerOptions): Promise<ReviewServer> {
  const token = randomBytes(24).toString('base64url');
  const tokenBuf = Buffer.from(token);
  const allowed = (given: string | null): boolean => {
    const g = Buffer.from(given ?? '');
    return g.length === tokenBuf.length && timingSafeEqual(g, tokenBuf);
  };
  const sightings = opts.doc.results.map((r, rank) => ({
    rank,
    n: rank + 1,
    kind: r.kind,
    camera: r.camera,
    cameraName: opts.cameraNames.get(r.camera) ?? null,
    startTime: r.startTime,
    endTime: r.endTime,
    startOffset: r.startOffset,
    endOffset: r.endOffset,
    score: r.score,
    strength: r.strength?.statement ?? null,
    text: r.text ?? null,
    pattern: (r as { label?: string }).label ?? r.pattern ?? null,
    file: r.source.path.split(/[\\/]/).pop() ?? r.source.path,
    decision:
      ((r as { review?: { decision?: string } }).review?.decision ?? '').replace('unreviewed', '') || null,
    note: (r as { review?: { note?: string } }).review?.note ?? '',
  }));
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname === '/favicon.ico') return send(res, 204, 'text/plain', '');
      // a page from another origin may not drive this one (DNS rebinding, form posts)
      const host = req.headers.host ?? '';
      if (!/^127\.0\.0\.1(:\d+)?$/.test(host) || !allowed(url.searchParams.get('token')))
        return send(
          res,
          403,
          'text/plain; charset=utf-8',
          'forbidden: open the URL sightline review printed\n',
        );
      const image = /^\/(frame|crop|strip)\/(\d+)\.png$/.exec(url.pathname);
      if (req.method === 'GET' && url.pathname === '/') {
        const nonce = randomBytes(16).toString('base64');
        return send(res, 200, 'text/html; charset=utf-8', reviewPage(nonce));
      }
      if (req.method === 'GET' && url.pathname === '/api/sightings')
        return json(res, 200, { examiner: opts.examiner ?? '', sightings });
      if (req.method === 'GET' && image) {
        const rank = Number(image[2]);
        if (!(rank >= 0 && rank < sightings.length)) return json(res, 404, { error: 'no such sighting' });
        const kind = image[1] as 'frame' | 'crop' | 'strip';
        try {
          return send(res, 200, 'image/png', await opts.images[kind](rank));
        } catch (err) {
          return json(res, 500, { error: (err as Error).message });
        }
      }
      if (req.method === 'POST' && url.pathname === '/api/save') {
        try {
          const v = JSON.parse(await body(req)) as {
            examiner?: unknown;
            decisions?: Array<{ rank?: unknown; decision?: unknown; note?: unknown }>;
          };
          const examiner = typeof v.examiner === 'string' ? v.examiner.trim() : '';
          if (!examiner) return json(res, 400, { error: "give the examiner's name" });
          const decisions = new Map<number, { decision: Decision; note?: string }>();
          for (const d of v.decisions ?? []) {
            const rank = Number(d.rank);
            if (!Number.isInteger(rank) || rank < 0 || rank >= sightings.length) continue;
            if (d.decision !== 'accepted' && d.decision !== 'rejected') continue;
            decisions.set(rank, {
              decision: d.decision,
              ...(typeof d.note === 'string' && d.note.trim() ? { note: d.note.slice(0, 4000) } : {}),
            });
          }
          return json(res, 200, await opts.save(examiner, decisions));
        } catch (err) {
          return json(res, 400, { error: (err as Error).message });
        }
      }
      return json(res, 404, { error: 'not found' });
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    server,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
