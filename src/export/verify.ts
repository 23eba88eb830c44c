import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { parseAuditLog, verifyChain } from '../core/audit.js';
import { InputError } from '../errors.js';
import { sha256Hex } from '../infra/audit-log.js';
import { sha256Buffer } from '../infra/hash.js';
import { hashTree } from './files.js';
import { BUNDLE_FORMAT, type FileFailure, checkFiles } from './manifest.js';

const manifestShape = z.object({
  format: z.literal(BUNDLE_FORMAT),
  files: z.array(z.object({ path: z.string(), sha256: z.string(), size: z.number() })),
});

async function readOrNull(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Checks a bundle: every file the manifest lists (hash and size), no file missing or extra,
 * the audit chain from its first entry, and that the chain's last entry (this export) holds
 * the manifest's own hash, so an edited manifest is caught too.
 * InputError when dir is not a bundle at all.
 */
export async function verifyBundle(dir: string): Promise<{ ok: boolean; failures: FileFailure[] }> {
  const st = await stat(dir).catch(() => null);
  if (!st?.isDirectory())
    throw new InputError(`${dir} is not a folder: give the folder 'sightline export' wrote`);
  const manifestBytes = await readOrNull(join(dir, 'manifest.json'));
  const auditBytes = await readOrNull(join(dir, 'audit.log'));
  if (!manifestBytes && !auditBytes) {
    throw new InputError(
      `${dir} is not an evidence bundle (no manifest.json or audit.log): give the folder 'sightline export' wrote`,
    );
  }
  const failures: FileFailure[] = [];

  let listed: z.infer<typeof manifestShape>['files'] | null = null;
  if (!manifestBytes) failures.push({ file: 'manifest.json', reason: 'missing' });
  else {
    let value: unknown;
    try {
      value = JSON.parse(manifestBytes.toString('utf8'));
    } catch {
      value = undefined;
    }
    const parsed = manifestShape.safeParse(value);
    if (parsed.success) listed = parsed.data.files;
    else
      failures.push({ file: 'manifest.json', reason: `not a ${BUNDLE_FORMAT} manifest (damaged or edited)` });
  }

  if (!auditBytes) failures.push({ file: 'audit.log', reason: 'missing' });
  else {
    const log = parseAuditLog(auditBytes.toString('utf8'));
    const brk = verifyChain(log.entries, sha256Hex);
    const last = log.entries.at(-1);
    if (log.badLine !== undefined)
      failures.push({ file: 'audit.log', reason: `line ${log.badLine} is not an audit entry` });
    else if (log.tornTail > 0) failures.push({ file: 'audit.log', reason: 'last line is incomplete' });
    else if (brk)
      failures.push({ file: 'audit.log', reason: `hash chain broken at entry ${brk.seq}: ${brk.reason}` });
    else if (!last || last.action !== 'export')
      failures.push({ file: 'audit.log', reason: 'does not end with the export entry' });
    else if (manifestBytes && last.details.manifestSha256 !== sha256Buffer(manifestBytes)) {
      failures.push({ file: 'manifest.json', reason: 'SHA-256 differs from the one recorded in audit.log' });
    }
  }

  if (listed) failures.push(...checkFiles(listed, await hashTree(dir)));
  return { ok: failures.length === 0, failures };
}
