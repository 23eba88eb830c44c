import type { Command } from 'commander';
import { plainText } from '../core/escape.js';
import { PartialFailure } from '../errors.js';
import { verifyBundle } from '../export/verify.js';
import { publicKeyFromPem } from '../infra/signing.js';
import { readKey } from './export.js';

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
    .description('check every hash in an evidence bundle, its audit chain and its signature')
    .argument('<bundle-dir>', 'a folder written by `sightline export`')
    .option('--key <public-key.pem>', "the examiner's Ed25519 public key: the bundle must be signed with it")
    .action(async (dir: string, opts: { key?: string }) => {
      const key =
        opts.key === undefined ? undefined : publicKeyFromPem(await readKey(opts.key), plainText(opts.key));
      const { ok, failures, signature } = await verifyBundle(dir, key);
      if (ok) {
        print(
          plainText(`${dir}: intact (every file matches manifest.json and seal.json; audit chain intact)`),
        );
        if (signature.status === 'key') print(`signed by ${signature.fingerprint ?? '?'}: the key given`);
        else if (signature.status === 'embedded')
          print(
            `signed by ${signature.fingerprint ?? '?'} (the key the bundle carries; give --key <examiner's public key> to check it is theirs)`,
          );
        else print('not signed');
        return;
      }
      for (const f of failures) process.stderr.write(`${plainText(`FAIL ${f.file}: ${f.reason}`)}\n`);
      throw new PartialFailure(`${failures.length} check(s) failed in ${plainText(dir)}`);
    });
}
