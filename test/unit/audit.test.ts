import { createHash } from 'node:crypto';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AuditEntry,
  GENESIS,
  canonicalJson,
  entryHash,
  nextEntry,
  parseAuditLog,
  verifyChain,
} from '../../src/core/audit.js';
import { AuditLog } from '../../src/infra/audit-log.js';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

function chain(n: number): AuditEntry[] {
  const out: AuditEntry[] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      nextEntry(
        out.at(-1),
        `a${i}`,
        { i, nested: { z: 1, a: [i, 'x'] } },
        `2024-01-01T00:00:0${i}.000Z`,
        sha,
      ),
    );
  }
  return out;
}

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { y: 1, x: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[3,{"x":2,"y":1}]},"b":1}',
    );
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });
  it('refuses values JSON would silently change', () => {
    expect(() => canonicalJson({ x: NaN })).toThrow(/non-finite/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/cannot encode/);
  });
});

describe('hash chain', () => {
  it('links entries from GENESIS and verifies intact', () => {
    const c = chain(4);
    expect(c[0]?.prev).toBe(GENESIS);
    expect(c[2]?.prev).toBe(c[1]?.hash);
    expect(c.map((e) => e.seq)).toEqual([0, 1, 2, 3]);
    expect(verifyChain(c, sha)).toBeNull();
    expect(verifyChain([], sha)).toBeNull();
  });

  it('hash covers every field but itself', () => {
    const [e] = chain(1) as [AuditEntry];
    expect(e.hash).toBe(entryHash(e, sha));
    expect(e.hash).toBe(
      sha(canonicalJson({ seq: e.seq, time: e.time, action: e.action, details: e.details, prev: e.prev })),
    );
  });

  it('names the first bad entry on edit, removal, reorder and a forged hash', () => {
    const edited = chain(5);
    (edited[2] as AuditEntry).details = { i: 99 };
    expect(verifyChain(edited, sha)?.seq).toBe(2);

    const removed = chain(5);
    removed.splice(1, 1);
    expect(verifyChain(removed, sha)?.seq).toBe(1);

    const swapped = chain(5);
    [swapped[3], swapped[4]] = [swapped[4] as AuditEntry, swapped[3] as AuditEntry];
    expect(verifyChain(swapped, sha)?.seq).toBe(3);

    // Rewriting entry 1 consistently (new hash) still breaks entry 2's link.
    const forged = chain(4);
    const f1 = forged[1] as AuditEntry;
    f1.action = 'forged';
    f1.hash = entryHash(f1, sha);
    expect(verifyChain(forged, sha)).toEqual({ seq: 2, reason: expect.stringContaining('does not follow') });
  });
});

describe('parseAuditLog', () => {
  const text = chain(3)
    .map((e) => JSON.stringify(e) + '\n')
    .join('');
  it('reads whole lines and ignores a torn last line', () => {
    expect(parseAuditLog(text).entries).toHaveLength(3);
    const torn = parseAuditLog(text + '{"seq":3,"ti');
    expect(torn.entries).toHaveLength(3);
    expect(torn.tornTail).toBe(Buffer.byteLength('{"seq":3,"ti'));
    expect(torn.badLine).toBeUndefined();
  });
  it('reports a damaged line in the middle', () => {
    const lines = text.split('\n');
    lines[1] = 'garbage';
    const r = parseAuditLog(lines.join('\n'));
    expect(r.badLine).toBe(2);
    expect(r.entries).toHaveLength(1);
  });
});

describe('AuditLog (file)', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('appends a verifiable chain, serialises concurrent appends, and survives a torn write', async () => {
    dir = await mkdtemp(join(tmpdir(), 'audit-'));
    const log = AuditLog.forStore(dir);
    expect(await log.entries()).toEqual([]);
    await Promise.all([
      log.append('index', { n: 1 }),
      log.append('index', { n: 2 }),
      log.append('search', {}),
    ]);
    expect((await log.entries()).map((e) => e.seq)).toEqual([0, 1, 2]);
    expect(await log.verify()).toBeNull();

    await appendFile(log.path, '{"seq":3,"time":"2024'); // crash mid-write
    expect(await log.entries()).toHaveLength(3);
    expect(await log.verify()).toBeNull();
    const e = await log.append('export', { ok: true });
    expect(e.seq).toBe(3);
    expect((await readFile(log.path, 'utf8')).endsWith('}\n')).toBe(true);
    expect(await log.verify()).toBeNull();
  });

  it('detects an edited line and refuses to extend a damaged log', async () => {
    dir = await mkdtemp(join(tmpdir(), 'audit-'));
    const log = AuditLog.forStore(dir);
    await log.append('index', { file: 'a.mp4' });
    await log.append('index', { file: 'b.mp4' });
    const text = await readFile(log.path, 'utf8');
    await writeFile(log.path, text.replace('a.mp4', 'c.mp4'));
    expect((await log.verify())?.seq).toBe(0);
    await writeFile(log.path, 'not json\n' + text);
    await expect(log.append('x', {})).rejects.toThrow(/damaged at line 1/);
  });
});
