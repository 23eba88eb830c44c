/**
 * Where a store lives: a local folder, or a prefix on S3-compatible object storage
 * (`s3://bucket/path`). LanceDB reads and writes either; what Sightline keeps beside the tables as
 * plain files (the write lock, the audit log, the plate catalogue) needs a local folder, which for
 * an object store is a folder of this machine's own (see {@link localStateDir}).
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

const OBJECT_STORE = /^s3:\/\/[^/]+/i;

/** Whether `store` names an object-storage prefix (s3://bucket/path) rather than a folder. */
export function isObjectStore(store: string): boolean {
  return OBJECT_STORE.test(store);
}

/** A store as given on the command line: a folder made absolute, an s3:// URI as it is. */
export function storeLocation(given: string): string {
  return isObjectStore(given) ? given.replace(/\/+$/, '') : resolve(given);
}

/**
 * LanceDB's storage options for an object store, from the environment variables the AWS tools
 * read: AWS_ENDPOINT_URL (S3-compatible services; http:// allowed), AWS_REGION or
 * AWS_DEFAULT_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN.
 */
export function storageOptions(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  const endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  if (endpoint) {
    out.aws_endpoint = endpoint;
    if (endpoint.startsWith('http://')) out.allow_http = 'true';
  }
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (region) out.aws_region = region;
  if (env.AWS_ACCESS_KEY_ID) out.aws_access_key_id = env.AWS_ACCESS_KEY_ID;
  if (env.AWS_SECRET_ACCESS_KEY) out.aws_secret_access_key = env.AWS_SECRET_ACCESS_KEY;
  if (env.AWS_SESSION_TOKEN) out.aws_session_token = env.AWS_SESSION_TOKEN;
  return out;
}

/**
 * The local folder of a store's plain files: the store's own folder, or for an object store
 * `$SIGHTLINE_STATE_DIR/<hash of the URI>` (default ~/.sightline/object-stores/…), made when
 * absent. Its lock and audit log are this machine's: processes of one machine take turns; several
 * machines writing one object store do not see each other's lock (docs/architecture.md).
 */
export function localStateDir(store: string, env: NodeJS.ProcessEnv = process.env): string {
  if (!isObjectStore(store)) return store;
  const root = env.SIGHTLINE_STATE_DIR ?? join(homedir(), '.sightline', 'object-stores');
  const dir = join(root, createHash('sha256').update(store).digest('hex').slice(0, 16));
  mkdirSync(dir, { recursive: true });
  return dir;
}
