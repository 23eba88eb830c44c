/**
 * Reliability at the unit level (issue 7): the one place machine faults become one-line messages,
 * a disk-full error stopping a batch cleanly, the write lock's stale/torn/live cases, the store
 * folder checks and a first run killed between creating and filling the meta table.
 */
import * as lancedb from '@lancedb/lancedb';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseIndexSettings } from '../../src/config/settings.js';
import { environmentFault, environmentFaultKind, InputError } from '../../src/errors.js';
import { runIndex } from '../../src/pipeline/index-run.js';
import { WriteLock } from '../../src/store/lock.js';
import { metaSchema } from '../../src/store/schema.js';
import { Store } from '../../src/store/store.js';
import { ROOT } from '../helpers/cli.js';
import { fixturePath } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp.js';

const errno = (code: string, message = code, path?: string): NodeJS.ErrnoException =>
  Object.assign(new Error(message), { code, ...(path ? { path } : {}) });

describe('machine faults map to one clear line', () => {
  it.each([
    [
      errno('ENOSPC', 'ENOSPC: no space left on device, write', '/s/x'),
      'disk-full',
      /^disk full \(\/s\/x\): free space/,
    ],
    [errno('EDQUOT'), 'disk-full', /^disk full/],
    // LanceDB wraps the OS error in a long Rust message; only the OS text is there to go by.
    [
      new Error('lance error: IO: Generic LocalFileSystem error: No space left on device (os error 28)'),
      'disk-full',
      /^disk full/,
    ],
    [
      errno('EROFS', 'EROFS: read-only file system, open', '/s/write.lock'),
      'read-only',
      /^read-only file system \(\/s\/write\.lock\): use a writable --store$/,
    ],
    [
      new Error('Io { kind: ReadOnlyFilesystem, message: "Read-only file system (os error 30)" }'),
      'read-only',
      /^read-only/,
    ],
    [errno('EACCES'), 'denied', /^permission denied: use a --store you may write to$/],
    [new Error('failed to create dir: Permission denied (os error 13)'), 'denied', /^permission denied/],
    [errno('EMFILE'), 'open-files', /ulimit -n/],
  ])('%s → %s', (err, kind, message) => {
    expect(environmentFaultKind(err)).toBe(kind);
    const mapped = environmentFault(err);
    expect(mapped).toBeInstanceOf(InputError);
    expect(mapped?.exitCode).toBe(2);
    expect(mapped?.message).toMatch(message);
    expect(mapped?.message).not.toContain('\n');
  });

  it('anything else is left alone (an internal error, with --debug for the stack)', () => {
    expect(environmentFault(new Error('undefined is not a function'))).toBeUndefined();
    expect(environmentFault(errno('ENOENT'))).toBeUndefined();
    expect(environmentFault('a string')).toBeUndefined();
  });
});

describe('a disk-full error during a batch', () => {
  it('stops the batch with the one-line message, releases the lock and leaves no half-written source', async () => {
    const dir = join(tempDir(), 'store');
    const settings = parseIndexSettings({
      sampling: { fps: 1 },
      faces: { enabled: false },
      plates: { enabled: false },
    });
    const run = runIndex({
      paths: [fixturePath('odd/with-creation-time.mp4'), fixturePath('odd/rotated.mp4')],
      storeDir: dir,
      settings,
      // The first write-heavy step of the first file fails as a full disk would.
      stages: () => Promise.reject(errno('ENOSPC', 'ENOSPC: no space left on device, write')),
      pipelineVersion: 'test',
      onEvent: () => undefined,
    });
    await expect(run).rejects.toThrow(/^disk full: free space/);
    expect(existsSync(join(dir, 'write.lock'))).toBe(false);
    const store = await Store.open(dir, { create: false });
    try {
      expect(await store.listSources()).toEqual([]);
    } finally {
      store.close();
    }
  });
});

describe('the write lock', () => {
  it('refuses a second writer while the first is alive', () => {
    const dir = tempDir();
    const first = WriteLock.acquire(dir);
    expect(() => WriteLock.acquire(dir)).toThrow(/being written by another sightline \(pid \d+/);
    first.release();
    WriteLock.acquire(dir).release();
  });

  it('takes over a lock whose process is gone', () => {
    const dir = tempDir();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(join(dir, 'write.lock'), JSON.stringify({ pid: dead, host: hostname(), since: 'then' }));
    WriteLock.acquire(dir).release();
  });

  it('a torn (empty or half-written) lock file is a writer mid-creation for a few seconds, then stale', () => {
    const dir = tempDir();
    const lock = join(dir, 'write.lock');
    writeFileSync(lock, '{"pid": 12');
    expect(() => WriteLock.acquire(dir)).toThrow(/being locked by another sightline right now/);
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    WriteLock.acquire(dir).release();
    writeFileSync(lock, '');
    utimesSync(lock, old, old);
    WriteLock.acquire(dir).release();
  });

  it('of several processes taking over one stale lock at the same instant, exactly one wins', async () => {
    const dir = tempDir();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(join(dir, 'write.lock'), JSON.stringify({ pid: dead, host: hostname(), since: 'then' }));
    const lockJs = pathToFileURL(join(ROOT, 'dist', 'store', 'lock.js')).href;
    const startAt = Date.now() + 4000;
    const script = `
      const { WriteLock } = await import(${JSON.stringify(lockJs)});
      while (Date.now() < ${startAt}) {}
      try { const l = WriteLock.acquire(${JSON.stringify(dir)}); console.log('won'); setTimeout(() => l.release(), 1500); }
      catch (e) { console.log('lost: ' + e.message); }`;
    const outs = await Promise.all(
      Array.from(
        { length: 6 },
        () =>
          new Promise<string>((resolve) => {
            const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
              stdio: ['ignore', 'pipe', 'inherit'],
            });
            let out = '';
            child.stdout.on('data', (d: Buffer) => (out += d.toString()));
            child.on('close', () => resolve(out.trim()));
          }),
      ),
    );
    expect(outs.filter((o) => o === 'won')).toHaveLength(1);
    for (const o of outs.filter((x) => x !== 'won'))
      expect(o).toMatch(/^lost: store .* (being written|being locked)/);
    expect(existsSync(join(dir, 'write.lock'))).toBe(false);
  }, 30_000);

  it('leaves a lock from another host alone (its process cannot be checked from here)', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'write.lock'), JSON.stringify({ pid: 1, host: 'elsewhere', since: 'then' }));
    expect(() => WriteLock.acquire(dir)).toThrow(/on elsewhere/);
  });
});

describe('the store folder', () => {
  it('refuses a file, a folder under a file and a folder of other content; accepts new, empty and lock-only folders', async () => {
    const root = tempDir();
    writeFileSync(join(root, 'file'), 'x');
    await expect(Store.prepareDir(join(root, 'file'))).rejects.toThrow(/is a file/);
    await expect(Store.prepareDir(join(root, 'file', 'sub'))).rejects.toThrow(/lies under a file/);
    mkdirSync(join(root, 'footage'));
    writeFileSync(join(root, 'footage', 'clip.mp4'), 'x');
    await expect(Store.prepareDir(join(root, 'footage'))).rejects.toThrow(/not a Sightline store/);
    await Store.prepareDir(join(root, 'new', 'store'));
    expect(existsSync(join(root, 'new', 'store'))).toBe(true);
    mkdirSync(join(root, 'killed'));
    writeFileSync(join(root, 'killed', 'write.lock'), '');
    await Store.prepareDir(join(root, 'killed'));
  });

  it('a first run killed between creating and filling the meta table is finished by the next', async () => {
    const dir = tempDir();
    const db = await lancedb.connect(dir);
    (await db.createEmptyTable('meta', metaSchema)).close();
    db.close();
    await expect(Store.open(dir, { create: false })).rejects.toThrow(/schema version unknown/);
    (await Store.open(dir, { create: true })).close();
    const store = await Store.open(dir, { create: false });
    expect((await store.counts()).sources).toBe(0);
    store.close();
  });
});
