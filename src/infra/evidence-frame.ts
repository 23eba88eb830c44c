import { spawn } from 'node:child_process';
import { InputError } from '../errors.js';
import { resolveFfmpeg } from './ffmpeg-path.js';

export interface FrameAt {
  /** The original source file; opened read-only by ffmpeg. */
  path: string;
  /** Raw presentation time of the wanted frame, seconds (as in the file). */
  pts: number;
  /** Presentation time of the source's first video frame, seconds. */
  firstPts: number;
  /** Frame rate, to match within half a frame. */
  fps: number;
}

const MARGIN_S = 2;

/**
 * ffmpeg argv that decodes exactly the frame at `pts`, keeping the file's own timestamps
 * (-copyts) so that `select` compares against the same pts the index recorded. The seek
 * lands ≥2 s early (on a keyframe before it) and decoding runs forward to the frame; input
 * -ss counts from the file's start, hence pts - firstPts. Output: one lossless PNG on stdout,
 * autorotated like the frames the index saw.
 */
export function frameArgs(req: FrameAt): string[] {
  const half = 0.5 / (req.fps > 0 ? req.fps : 25);
  const seek = Math.max(0, req.pts - req.firstPts - MARGIN_S);
  return [
    '-nostdin',
    '-hide_banner',
    '-v',
    'error',
    '-ss',
    seek.toFixed(6),
    '-copyts',
    '-i',
    req.path,
    '-map',
    '0:v:0',
    '-an',
    '-sn',
    '-dn',
    '-vf',
    `select='lt(abs(t-${req.pts.toFixed(6)})\\,${half.toFixed(6)})'`,
    // -vsync (not -fps_mode): the bundled ffmpeg 4.x knows only this spelling
    '-vsync',
    '0',
    '-frames:v',
    '1',
    '-f',
    'image2pipe',
    '-c:v',
    'png',
    'pipe:1',
  ];
}

/** The frame at `pts` of the original source as a PNG. */
export async function extractFramePng(req: FrameAt): Promise<Buffer> {
  const ffmpeg = resolveFfmpeg().path;
  const png = await run(ffmpeg, frameArgs(req));
  if (png.length === 0) {
    throw new InputError(`no frame at pts ${req.pts.toFixed(3)} s in ${req.path}`);
  }
  return png;
}

function run(cmd: string, args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => {
      if (err.length < 4000) err += b.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new InputError(`ffmpeg failed (${String(code)}): ${err.trim().split('\n')[0] ?? ''}`));
    });
  });
}
