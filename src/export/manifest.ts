import type { SearchDocument } from '../core/types.js';
import type { ModelRecord, SourceCheck } from './report-data.js';

export const BUNDLE_FORMAT = 'sightline-bundle/1';
/**
 * Files of a bundle that the manifest cannot list: itself, the log that hashes it, the reports
 * (which print the manifest's hash), and the seal that pins manifest and reports (and its
 * signature). Bundles of 0.4.0 and before list their reports in the manifest.
 */
export const UNLISTED = [
  'manifest.json',
  'audit.log',
  'report.html',
  'report.pdf',
  'seal.json',
  'seal.sig',
] as const;

export const SEAL_FORMAT = 'sightline-seal/1';
export const SEAL_FILE = 'seal.json';
export const SIGNATURE_FILE = 'seal.sig';

/** seal.json: the manifest's hash and the reports' hashes, and who signed them (seal.sig). */
export interface Seal {
  format: typeof SEAL_FORMAT;
  manifestSha256: string;
  reports: ManifestFile[];
  signer: { algorithm: 'Ed25519'; fingerprint: string; publicKey: string } | null;
}

export interface ManifestFile {
  /** Relative to the bundle, '/' separated. */
  path: string;
  sha256: string;
  size: number;
}

export interface Manifest {
  format: typeof BUNDLE_FORMAT;
  createdAt: string;
  caseId: string | null;
  examiner: string | null;
  tool: { name: 'sightline'; version: string; gitCommit: string | null };
  query: SearchDocument['query'];
  resultsFile: { path: string; sha256: string } | null;
  results: number;
  models: ModelRecord[];
  settings: Record<string, unknown>;
  sources: SourceCheck[];
  /** Paths of sources that are not as they were when indexed (changed or missing). */
  altered: string[];
  problems: string[];
  files: ManifestFile[];
  /**
   * `export --redact`: how, and per evidence frame the SHA-256 of the frame before redaction (re-derive
   * it from the original source) and the regions blurred.
   */
  redaction?: {
    method: string;
    frames: Array<{
      file: string;
      unredactedSha256: string;
      regions: Array<{ kind: string; box: number[] }>;
    }>;
  } | null;
}

export type ManifestInput = Omit<Manifest, 'format' | 'tool' | 'altered' | 'files' | 'sources'> & {
  toolVersion: string;
  gitCommit: string | null;
  sources: SourceCheck[];
  files: ManifestFile[];
};

export function buildManifest(m: ManifestInput): Manifest {
  const files = [...m.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const f of files) {
    if ((UNLISTED as readonly string[]).includes(f.path)) throw new Error(`manifest cannot list ${f.path}`);
  }
  return {
    format: BUNDLE_FORMAT,
    createdAt: m.createdAt,
    caseId: m.caseId,
    examiner: m.examiner,
    tool: { name: 'sightline', version: m.toolVersion, gitCommit: m.gitCommit },
    query: m.query,
    resultsFile: m.resultsFile,
    results: m.results,
    models: m.models,
    settings: m.settings,
    sources: m.sources.map((s) => ({ ...s })),
    altered: m.sources.filter((s) => s.status !== 'intact').map((s) => s.path),
    problems: m.problems,
    files,
    ...(m.redaction ? { redaction: m.redaction } : {}),
  };
}

export interface FileFailure {
  file: string;
  reason: string;
}

/**
 * Compares what the manifest lists with what is on disk (path → hash and size). Every listed
 * file must be there unchanged, and nothing else may be there but the unlisted two.
 */
export function checkFiles(
  listed: readonly ManifestFile[],
  found: ReadonlyMap<string, { sha256: string; size: number }>,
): FileFailure[] {
  const failures: FileFailure[] = [];
  const names = new Set<string>();
  for (const f of listed) {
    names.add(f.path);
    const got = found.get(f.path);
    if (!got) failures.push({ file: f.path, reason: 'missing' });
    else if (got.size !== f.size)
      failures.push({ file: f.path, reason: `size ${got.size}, manifest says ${f.size}` });
    else if (got.sha256 !== f.sha256)
      failures.push({ file: f.path, reason: 'SHA-256 differs from manifest' });
  }
  for (const path of [...found.keys()].sort()) {
    if (!names.has(path) && !(UNLISTED as readonly string[]).includes(path)) {
      failures.push({ file: path, reason: 'extra file, not in manifest' });
    }
  }
  return failures;
}
