/** Helpers for the reliability matrix: killing an indexing child, comparing stores, scratch mounts. */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { resolveFfmpeg } from '../../src/infra/ffmpeg-path.js';
import { Store } from '../../src/store/store.js';
import { ROOT, sightline } from './cli.js';

const BIN = join(ROOT, 'bin', 'sightline.js');

export interface IndexEventLine {
  type: string;
  path?: string;
  frames?: number;
  reason?: string;
  [k: string]: unknown;
}

export interface KilledRun {
  /** 'killed' when our SIGKILL (or the crash hook's) ended it, else the exit code. */
  outcome: 'killed' | number | null;
  events: IndexEventLine[];
  stderr: string;
  pid: number;
}

/**
 * Runs `sightline index … --json` and sends SIGKILL when `killWhen` first says so (given every NDJSON
 * event so far), or after `killAfterMs`. With neither, it runs to the end (or to a crash hook's kill).
 */
export function indexUntilKilled(
  args: string[],
  opts: {
    killWhen?: (events: IndexEventLine[]) => boolean;
    killAfterMs?: number;
    env?: Record<string, string>;
  },
): Promise<KilledRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'index', ...args, '--json'], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const events: IndexEventLine[] = [];
    let buf = '';
    let stderr = '';
    let killed = false;
    const kill = (): void => {
      if (killed) return;
      killed = true;
      child.kill('SIGKILL');
    };
    const timer = opts.killAfterMs === undefined ? undefined : setTimeout(kill, opts.killAfterMs);
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (!line.trim()) continue;
        events.push(JSON.parse(line) as IndexEventLine);
        if (opts.killWhen?.(events)) kill();
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ outcome: signal === 'SIGKILL' ? 'killed' : code, events, stderr, pid: child.pid ?? -1 });
    });
  });
}

export interface StoreSnapshot {
  stats: { sources: number; faces: number; plates: number; tracks: number; incomplete: number };
  statuses: string[];
  /** One line per plate reading: source, offset, text: compares a crashed-and-resumed store with a clean one. */
  plates: string[];
  tracks: string[];
  plateIds: string[];
  trackIds: string[];
  sourceShas: string[];
}

/** `stats --json` through the CLI plus the rows themselves, read through the Store. */
export async function snapshot(storeDir: string): Promise<StoreSnapshot> {
  const r = await sightline(['stats', '--store', storeDir, '--json']);
  if (r.code !== 0) throw new Error(`stats failed (${r.code}): ${r.stderr}`);
  const stats = JSON.parse(r.stdout) as StoreSnapshot['stats'];
  const store = await Store.open(storeDir, { create: false });
  try {
    const sources = await store.listSources();
    const plates = await store.plateRows();
    const tracks = await store.tracks();
    return {
      stats,
      statuses: sources.map((s) => s.status),
      plates: plates.map((p) => `${p.source_sha256.slice(0, 12)} ${p.offset.toFixed(3)} ${p.text}`).sort(),
      tracks: tracks
        .map((t) => `${t.source_sha256.slice(0, 12)} ${t.kind} ${t.start_offset.toFixed(3)}`)
        .sort(),
      plateIds: plates.map((p) => p.id),
      trackIds: tracks.map((t) => t.id),
      sourceShas: sources.map((s) => s.sha256),
    };
  } finally {
    store.close();
  }
}

/** Copies the first `seconds` of a clip, re-encoded (so the cut is exact and the content new). */
export function cutClip(src: string, dest: string, seconds: number): void {
  execFileSync(
    resolveFfmpeg().path,
    [
      '-v',
      'error',
      '-y',
      '-i',
      src,
      '-t',
      String(seconds),
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-an',
      dest,
    ],
    { stdio: 'ignore' },
  );
}

/**
 * Mounts a small tmpfs at `dir` (for real ENOSPC / EROFS). Needs root with CAP_SYS_ADMIN; returns
 * false where mounting is not allowed, and the caller skips with a note.
 */
export function mountTmpfs(dir: string, size: string): boolean {
  mkdirSync(dir, { recursive: true });
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  return (
    spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' }).status === 0
  );
}

export function remount(dir: string, mode: 'ro' | 'rw'): void {
  execFileSync('mount', ['-o', `remount,${mode}`, dir], { stdio: 'ignore' });
}

export function unmount(dir: string): void {
  spawnSync('umount', ['-l', dir], { stdio: 'ignore' });
}

/** No stack frame lines: what a user must never see without --debug. */
export const STACK_LINE = /\n\s+at .+[:(]/;
