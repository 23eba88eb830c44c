import { Option } from 'commander';
import { resolve } from 'node:path';

export const DEFAULT_STORE = './sightline-store';

export function storeOption(): Option {
  return new Option('--store <dir>', 'the LanceDB store').env('SIGHTLINE_STORE').default(DEFAULT_STORE);
}

export function jsonOption(): Option {
  return new Option('--json', 'machine-readable output on stdout');
}

export function storePath(dir: string | undefined): string {
  return resolve(dir ?? process.env.SIGHTLINE_STORE ?? DEFAULT_STORE);
}
