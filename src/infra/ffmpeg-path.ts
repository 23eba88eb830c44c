import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { InputError } from '../errors.js';

const require = createRequire(import.meta.url);

export type BinarySource = 'env' | 'ffmpeg-static' | 'installer' | 'PATH';

export interface ResolvedBinary {
  path: string;
  from: BinarySource;
}

function fromPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

function tryRequire(id: string): unknown {
  try {
    return require(id);
  } catch {
    return undefined;
  }
}

const cache = new Map<string, ResolvedBinary>();

/**
 * ffmpeg: FFMPEG_PATH, then ffmpeg-static (optional: its binary download may have failed),
 * then @ffmpeg-installer/ffmpeg, then PATH.
 */
export function resolveFfmpeg(): ResolvedBinary {
  return resolve(
    'ffmpeg',
    'FFMPEG_PATH',
    () => {
      const p = tryRequire('ffmpeg-static');
      return typeof p === 'string' ? p : undefined;
    },
    () => (tryRequire('@ffmpeg-installer/ffmpeg') as { path?: string } | undefined)?.path,
  );
}

/** ffprobe: FFPROBE_PATH, then ffprobe beside ffmpeg-static, then @ffprobe-installer/ffprobe, then PATH. */
export function resolveFfprobe(): ResolvedBinary {
  return resolve(
    'ffprobe',
    'FFPROBE_PATH',
    () => {
      const p = tryRequire('ffmpeg-static');
      return typeof p === 'string' ? p.replace(/ffmpeg(\.exe)?$/, 'ffprobe$1') : undefined;
    },
    () => (tryRequire('@ffprobe-installer/ffprobe') as { path?: string } | undefined)?.path,
  );
}

function resolve(
  name: string,
  envVar: string,
  fromStatic: () => string | undefined,
  fromInstaller: () => string | undefined,
): ResolvedBinary {
  const hit = cache.get(name);
  if (hit) return hit;
  const env = process.env[envVar];
  let found: ResolvedBinary | undefined;
  if (env) {
    if (!existsSync(env))
      throw new InputError(`${envVar} points to ${env}, which does not exist: fix or unset it`);
    found = { path: env, from: 'env' };
  }
  found ??= existsOr(fromStatic(), 'ffmpeg-static');
  found ??= existsOr(fromInstaller(), 'installer');
  found ??= existsOr(fromPath(name), 'PATH');
  if (!found) {
    throw new InputError(`${name} not found: run 'npm ci' (it installs @ffmpeg-installer) or set ${envVar}`);
  }
  cache.set(name, found);
  return found;
}

function existsOr(p: string | undefined, from: BinarySource): ResolvedBinary | undefined {
  return p && existsSync(p) ? { path: p, from } : undefined;
}
