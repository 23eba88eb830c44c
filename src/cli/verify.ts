import type { Command } from 'commander';
import { plainText } from '../core/escape.js';
import { PartialFailure } from '../errors.js';
import { verifyBundle } from '../export/verify.js';

/**
 * `verify <bundle-dir>`: exit 0 intact; exit 1 with one stderr line per failing file;
 * exit 2 (InputError) when the folder is not a bundle.
 */
export function registerVerify(
  program: Command,
  print: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Command {
  return program
    .command('verify')
    .description('check every hash in an evidence bundle and its audit chain')
    .argument('<bundle-dir>', 'a folder written by `sightline export`')
    .action(async (dir: string) => {
      const { ok, failures } = await verifyBundle(dir);
      if (ok) {
        print(plainText(`${dir}: intact (every file matches manifest.json; audit chain intact)`));
        return;
      }
      for (const f of failures) process.stderr.write(`${plainText(`FAIL ${f.file}: ${f.reason}`)}\n`);
      throw new PartialFailure(`${failures.length} check(s) failed in ${plainText(dir)}`);
    });
}
