import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File } from '../infra/hash.js';

/** Every entry under dir, as '/'-separated relative paths. Non-regular files are reported as such. */
export async function walk(dir: string, prefix = ''): Promise<Array<{ path: string; regular: boolean }>> {
  const out: Array<{ path: string; regular: boolean }> = [];
  for (const ent of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${ent.name}` : ent.name;
    if (ent.isDirectory()) out.push(...(await walk(join(dir, ent.name), rel)));
    else out.push({ path: rel, regular: ent.isFile() });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export async function hashTree(dir: string): Promise<Map<string, { sha256: string; size: number }>> {
  const found = new Map<string, { sha256: string; size: number }>();
  for (const f of await walk(dir)) {
    const abs = join(dir, ...f.path.split('/'));
    if (!f.regular) {
      found.set(f.path, { sha256: 'not a regular file', size: -1 });
      continue;
    }
    const st = await stat(abs);
    found.set(f.path, { sha256: await sha256File(abs), size: st.size });
  }
  return found;
}
