import type { KeyObject } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { parseAuditLog, verifyChain } from '../core/audit.js';
import { InputError } from '../errors.js';
import { sha256Hex } from '../infra/audit-log.js';
import { sha256Buffer } from '../infra/hash.js';
import { hashTree } from './files.js';
import { fingerprint, publicKeyFromPem, verifyBytes } from '../infra/signing.js';
import {
  BUNDLE_FORMAT,
  type FileFailure,
  SEAL_FILE,
  SEAL_FORMAT,
  SIGNATURE_FILE,
  checkFiles,
} from './manifest.js';

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
export interface SignatureCheck {
  /** 'key': signed, and checked with the key given; 'embedded': signed, checked only with the key the bundle carries. */
  status: 'key' | 'embedded' | 'unsigned';
  fingerprint: string | null;
}

export async function verifyBundle(
  dir: string,
  key?: KeyObject,
): Promise<{ ok: boolean; failures: FileFailure[]; signature: SignatureCheck }> {
  const st = await stat(dir).catch(() => null);
  if (!st?.isDirectory())
    throw new InputError(`${dir} is not a folder: give the folder 'sightline export' wrote`);
  const manifestBytes = await readOrNull(join(dir, 'manifest.json'));
  const auditBytes = await readOrNull(join(dir, 'audit.log'));
  const sealBytes = await readOrNull(join(dir, SEAL_FILE));
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
    } else if (
      sealBytes &&
      typeof last.details.sealSha256 === 'string' &&
      last.details.sealSha256 !== sha256Buffer(sealBytes)
    ) {
      failures.push({ file: SEAL_FILE, reason: 'SHA-256 differs from the one recorded in audit.log' });
    }
  }

  const found = await hashTree(dir);
  if (listed) failures.push(...checkFiles(listed, found));
  const seal = sealBytes ? parseSeal(sealBytes) : null;
  if (sealBytes && !seal)
    failures.push({ file: SEAL_FILE, reason: `not a ${SEAL_FORMAT} seal (damaged or edited)` });
  if (seal) {
    if (manifestBytes && seal.manifestSha256 !== sha256Buffer(manifestBytes))
      failures.push({ file: 'manifest.json', reason: 'SHA-256 differs from the one in seal.json' });
    for (const r of seal.reports) {
      const got = found.get(r.path);
      if (!got) failures.push({ file: r.path, reason: 'missing' });
      else if (got.size !== r.size || got.sha256 !== r.sha256)
        failures.push({ file: r.path, reason: 'SHA-256 differs from seal.json' });
    }
  }
  // the reports are sealed (or, in bundles before the seal, listed in the manifest)
  for (const report of ['report.html', 'report.pdf']) {
    if (!found.has(report)) continue;
    if (!listed?.some((f) => f.path === report) && !seal?.reports.some((r) => r.path === report))
      failures.push({ file: report, reason: 'extra file, not in manifest.json or seal.json' });
  }
  const signature = checkSignature(
    dir,
    sealBytes,
    seal,
    await readOrNull(join(dir, SIGNATURE_FILE)),
    key,
    failures,
  );
  return { ok: failures.length === 0, failures, signature };
}

const sealShape = z.object({
  format: z.literal(SEAL_FORMAT),
  manifestSha256: z.string(),
  reports: z.array(z.object({ path: z.string(), sha256: z.string(), size: z.number() })),
  signer: z
    .object({ algorithm: z.literal('Ed25519'), fingerprint: z.string(), publicKey: z.string() })
    .nullable(),
});

function parseSeal(bytes: Buffer): z.infer<typeof sealShape> | null {
  try {
    const parsed = sealShape.safeParse(JSON.parse(bytes.toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * The seal's signature: checked with the examiner's public key when given (another key, or a seal
 * changed after signing, fails and says which), else with the key the bundle carries.
 */
function checkSignature(
  dir: string,
  sealBytes: Buffer | null,
  seal: z.infer<typeof sealShape> | null,
  sig: Buffer | null,
  key: KeyObject | undefined,
  failures: FileFailure[],
): SignatureCheck {
  if (!sig) {
    if (key) failures.push({ file: SIGNATURE_FILE, reason: `missing: ${dir} is not signed` });
    else if (seal?.signer)
      failures.push({ file: SIGNATURE_FILE, reason: 'missing, but seal.json names a signer' });
    return { status: 'unsigned', fingerprint: null };
  }
  if (!sealBytes || !seal) return { status: 'unsigned', fingerprint: null };
  const signature = sig.toString('utf8');
  let embedded: KeyObject | null = null;
  try {
    embedded = seal.signer ? publicKeyFromPem(seal.signer.publicKey, 'the key in seal.json') : null;
  } catch {
    embedded = null;
  }
  if (embedded && seal.signer && fingerprint(embedded) !== seal.signer.fingerprint)
    failures.push({
      file: SEAL_FILE,
      reason: 'the signer fingerprint does not belong to the key it carries',
    });
  const byEmbedded = embedded ? verifyBytes(sealBytes, signature, embedded) : false;
  if (key) {
    if (verifyBytes(sealBytes, signature, key)) return { status: 'key', fingerprint: fingerprint(key) };
    failures.push({
      file: SIGNATURE_FILE,
      reason: byEmbedded
        ? `signed by another key (${seal.signer?.fingerprint ?? '?'}), not by the key given (${fingerprint(key)})`
        : `the signature does not match seal.json with the key given (${fingerprint(key)}): the seal or its signature was changed after signing, or another key signed it`,
    });
    return { status: 'key', fingerprint: null };
  }
  if (!byEmbedded) {
    failures.push({
      file: SIGNATURE_FILE,
      reason: 'the signature does not match seal.json: changed after signing',
    });
    return { status: 'embedded', fingerprint: null };
  }
  return { status: 'embedded', fingerprint: seal.signer?.fingerprint ?? null };
}
