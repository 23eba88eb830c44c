import { spawn } from 'node:child_process';
import type { Frame } from '../core/types.js';
import { InputError } from '../errors.js';
import type { BufferPool } from './buffer-pool.js';
import { resolveFfmpeg, resolveFfprobe } from './ffmpeg-path.js';

/** What ffprobe says about a file, reduced to what indexing needs. */
export interface ProbeResult {
  formatName: string;
  duration: number;
  codec: string;
  /** Coded size, before rotation. */
  codedWidth: number;
  codedHeight: number;
  /** Size after rotation metadata is applied: what a viewer sees and what boxes refer to. */
  width: number;
  height: number;
  rotation: number;
  fps: number;
  videoStartTime: number;
  creationTime: string | null;
}

interface FfprobeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  start_time?: string;
  duration?: string;
  tags?: Record<string, string>;
  side_data_list?: Array<{ rotation?: number }>;
}

interface FfprobeOutput {
  streams?: FfprobeStream[];
  format?: { format_name?: string; duration?: string; tags?: Record<string, string> };
}

/** Runs a binary with an argv array (never a shell) and collects its output. */
export function runCollect(
  bin: string,
  args: string[],
  opts: { maxStdout?: number } = {},
): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let outLen = 0;
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      outLen += d.length;
      if (opts.maxStdout !== undefined && outLen > opts.maxStdout) {
        child.kill('SIGKILL');
        return;
      }
      out.push(d);
    });
    child.stderr.on('data', (d: Buffer) => {
      if (err.length < 1 << 20) err += d.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: err }));
  });
}

function parseRate(rate: string | undefined): number {
  if (!rate) return 0;
  const [n, d] = rate.split('/').map(Number);
  if (!n || !d || !Number.isFinite(n / d)) return 0;
  return n / d;
}

function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines[lines.length - 1] ?? 'no output';
}

/** Probes a file; throws InputError with ffprobe's reason when it holds no decodable video. */
export async function probe(path: string): Promise<ProbeResult> {
  const { path: ffprobe } = resolveFfprobe();
  const { code, stdout, stderr } = await runCollect(ffprobe, [
    '-v',
    'error',
    '-print_format',
    'json',
    '-show_format',
    '-show_streams',
    path,
  ]);
  if (code !== 0) {
    const why = lastLine(stderr).replace(`${path}: `, '');
    throw new InputError(`not a readable video (${why})`);
  }
  const info = JSON.parse(stdout.toString('utf8')) as FfprobeOutput;
  const video = info.streams?.find((s) => s.codec_type === 'video' && s.codec_name !== 'mjpeg');
  if (!video || !video.width || !video.height) throw new InputError('no video stream found');
  let rotation = Number(video.tags?.rotate ?? 0);
  for (const sd of video.side_data_list ?? []) if (typeof sd.rotation === 'number') rotation = -sd.rotation;
  rotation = (((Math.round(rotation / 90) * 90) % 360) + 360) % 360;
  const swap = rotation === 90 || rotation === 270;
  const duration = Number(info.format?.duration ?? video.duration ?? 0);
  const creation = video.tags?.creation_time ?? info.format?.tags?.creation_time ?? null;
  return {
    formatName: info.format?.format_name ?? 'unknown',
    duration: Number.isFinite(duration) ? duration : 0,
    codec: video.codec_name ?? 'unknown',
    codedWidth: video.width,
    codedHeight: video.height,
    width: swap ? video.height : video.width,
    height: swap ? video.width : video.height,
    rotation,
    fps: parseRate(video.avg_frame_rate) || parseRate(video.r_frame_rate),
    videoStartTime: Number(video.start_time ?? 0) || 0,
    creationTime: creation,
  };
}

export interface SampleOptions {
  /** Frames a second to keep (the first frame of each 1/fps bucket of presentation time). */
  fps: number;
  /** Largest width of the frames handed on; smaller sources are not upscaled. */
  maxWidth: number;
  /** Size after rotation, from probe(). */
  width: number;
  height: number;
  /** Aborting it kills ffmpeg and stops the frames. */
  signal?: AbortSignal;
  /**
   * Where frame buffers come from: the consumer gives each frame's `data` back to this pool when it
   * is done with it (see BufferPool). Without it every frame gets a new buffer.
   */
  buffers?: BufferPool;
}

/** Size of the frames sampleFrames yields. */
export function sampledSize(width: number, height: number, maxWidth: number): { w: number; h: number } {
  if (width <= maxWidth) return { w: width, h: height };
  return { w: maxWidth, h: Math.max(2, Math.round((height * maxWidth) / width)) };
}

/**
 * Streams sampled RGB24 frames from ffmpeg through a pipe, in presentation order, with exact
 * timestamps: `-copyts` keeps the file's own pts, `showinfo` after `select` reports each kept
 * frame's integer pts and time base, and offsets are taken from the first decoded frame (always
 * kept). Memory is bounded: the pipe is read only as fast as frames are consumed.
 */
export async function* sampleFrames(path: string, opts: SampleOptions): AsyncGenerator<Frame> {
  const { path: ffmpeg } = resolveFfmpeg();
  const { w, h } = sampledSize(opts.width, opts.height, opts.maxWidth);
  const interval = 1 / opts.fps;
  const filters = [
    `select='isnan(prev_selected_t)+gte(floor(t/${interval})-floor(prev_selected_t/${interval})\\,1)'`,
    `scale=${w}:${h}`,
    'showinfo',
  ].join(',');
  const args = [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'info',
    '-copyts',
    '-i',
    path,
    '-map',
    '0:v:0',
    '-an',
    '-sn',
    '-dn',
    '-vf',
    filters,
    '-vsync',
    'passthrough',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    'pipe:1',
  ];
  const child = spawn(ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const frameBytes = w * h * 3;
  const pts: number[] = [];
  let timeBase: [number, number] | null = null;
  let stderrTail = '';
  let damaged = false;
  let partial = '';
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) =>
    child.on('close', (code) => {
      exitCode = code;
      resolve();
    }),
  );
  let spawnError: Error | undefined;
  child.on('error', (e) => (spawnError = e));
  let wake: (() => void) | undefined;
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.includes('showinfo')) {
        if (line.trim()) stderrTail = (stderrTail + '\n' + line).slice(-2000);
        if (DAMAGE.test(line)) damaged = true;
        continue;
      }
      const tb = /config in time_base: (\d+)\/(\d+)/.exec(line);
      if (tb) timeBase = [Number(tb[1]), Number(tb[2])];
      const m = /\bn:\s*\d+\s+pts:\s*(-?\d+)/.exec(line);
      if (m && timeBase) pts.push((Number(m[1]) * timeBase[0]) / timeBase[1]);
    }
    wake?.();
  });
  const onAbort = (): void => {
    child.kill('SIGKILL');
  };
  opts.signal?.addEventListener('abort', onAbort);

  let index = 0;
  let firstPts: number | undefined;
  let lastPts = 0;
  const newBuffer = (): Buffer => opts.buffers?.take(frameBytes) ?? Buffer.allocUnsafe(frameBytes);
  let frame = newBuffer();
  let filled = 0;
  const nextPts = async (): Promise<number | undefined> => {
    while (pts.length === 0 && exitCode === undefined) {
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 50);
      });
    }
    return pts.shift();
  };
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      let pos = 0;
      while (pos < chunk.length) {
        const n = Math.min(frameBytes - filled, chunk.length - pos);
        chunk.copy(frame, filled, pos, pos + n);
        filled += n;
        pos += n;
        if (filled < frameBytes) break;
        const data = frame;
        frame = newBuffer();
        filled = 0;
        const p = await nextPts();
        if (p === undefined) throw new InputError('ffmpeg gave a frame without a timestamp');
        firstPts ??= p;
        lastPts = p;
        yield {
          index: index++,
          pts: p,
          offset: round6(p - firstPts),
          width: w,
          height: h,
          data,
          sourceWidth: opts.width,
          sourceHeight: opts.height,
        };
      }
    }
    await exited;
    if (spawnError) throw spawnError;
    if (exitCode !== 0 && !opts.signal?.aborted) {
      throw new InputError(`decoding failed after ${index} frames (${lastLine(stderrTail)})`);
    }
    if (index === 0) throw new InputError('no frame could be decoded');
    if (damaged) {
      const reached = firstPts === undefined ? 0 : lastPts - firstPts;
      throw new InputError(
        `truncated or damaged: the file's data ends at ${reached.toFixed(1)} s of its video`,
      );
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    if (exitCode === undefined) child.kill('SIGKILL');
  }
}

/**
 * Demuxer messages that mean the rest of the file cannot be read (cut short, overwritten):
 * the file fails rather than being indexed as if complete. Single bad packets are not in this set.
 */
const DAMAGE = /partial file|Invalid data found when processing input|moov atom not found|truncat/i;

/** Microsecond rounding: offsets are stored and compared as decimals. */
export function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/**
 * Whether a file holds video that parses to its end: probed, then its video packets read to the
 * end without decoding (fast). A file still being written, or cut short, fails with the reason.
 */
export async function checkComplete(path: string): Promise<{ ok: boolean; reason?: string }> {
  try {
    await probe(path);
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
  const { path: ffmpeg } = resolveFfmpeg();
  const r = await runCollect(ffmpeg, [
    '-v',
    'error',
    '-nostdin',
    '-i',
    path,
    '-map',
    '0:v:0',
    '-c',
    'copy',
    '-f',
    'null',
    '-',
  ]);
  const problem = r.stderr
    .split('\n')
    .map((l) => l.trim())
    .find(Boolean);
  if (r.code !== 0 || problem) return { ok: false, reason: problem ?? `ffmpeg exited ${r.code}` };
  return { ok: true };
}
