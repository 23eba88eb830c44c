import { open, readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { extensionOf, sniffContainer, VIDEO_EXTENSIONS } from '../core/media-sniff.js';

export interface Candidate {
  /** Absolute path. */
  path: string;
  /** The argument it was found under (for camera naming). */
  root: string;
  size: number;
  mtimeMs: number;
}

export interface Skipped {
  path: string;
  reason: string;
}

export interface Discovery {
  candidates: Candidate[];
  /** Files that are not videos: noted, not failures. */
  skipped: Skipped[];
  /** Paths that could not be read at all, or are videos by name that cannot be: failures. */
  failed: Skipped[];
}

async function readHead(path: string): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(512);
    const { bytesRead } = await fh.read(buf, 0, 512, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * Walks the given files and folders (recursively, following links once: a loop is named and left),
 * keeping files that are videos by content, or by extension (those then fail at probe with a reason).
 */
export async function discover(paths: string[]): Promise<Discovery> {
  const out: Discovery = { candidates: [], skipped: [], failed: [] };
  const seen = new Set<string>();

  const visit = async (path: string, root: string, depth: number): Promise<void> => {
    let real: string;
    try {
      real = await realpath(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      out.failed.push({ path, reason: code === 'ELOOP' ? 'symbolic link loop' : reasonOf(e) });
      return;
    }
    if (seen.has(real)) {
      if (depth > 0) out.skipped.push({ path, reason: 'already visited (link or duplicate argument)' });
      return;
    }
    seen.add(real);
    let st;
    try {
      st = await stat(real);
    } catch (e) {
      out.failed.push({ path, reason: reasonOf(e) });
      return;
    }
    if (st.isDirectory()) {
      if (depth > 64) {
        out.failed.push({ path, reason: 'folders nested too deep' });
        return;
      }
      let entries: string[];
      try {
        entries = (await readdir(real)).sort();
      } catch (e) {
        out.failed.push({ path, reason: reasonOf(e) });
        return;
      }
      for (const name of entries) {
        if (name.startsWith('.')) continue;
        await visit(join(path, name), root, depth + 1);
      }
      return;
    }
    if (!st.isFile()) {
      out.skipped.push({ path, reason: 'not a regular file' });
      return;
    }
    const byName = VIDEO_EXTENSIONS.has(extensionOf(path));
    let head: Uint8Array;
    try {
      head = await readHead(real);
    } catch (e) {
      out.failed.push({ path, reason: reasonOf(e) });
      return;
    }
    const byContent = sniffContainer(head) !== null;
    if (byContent || byName) {
      out.candidates.push({ path: resolve(path), root, size: st.size, mtimeMs: st.mtimeMs });
    } else if (depth === 0) {
      // Named explicitly by the user: not silently ignored.
      out.failed.push({ path, reason: 'not a video file' });
    } else {
      out.skipped.push({ path, reason: 'not a video file' });
    }
  };

  for (const p of paths) await visit(p, resolve(p), 0);
  return out;
}

function reasonOf(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'symbolic link loop';
    default:
      return e instanceof Error ? e.message : String(e);
  }
}

/** The folder a file sits in, as a camera id candidate; null when the file was named directly at top level. */
export function folderCamera(c: Candidate): string | null {
  const dir = dirname(c.path);
  const name = basename(dir);
  if (!name || name === '.' || dir === dirname(dir)) return null;
  return name;
}
