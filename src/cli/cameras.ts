import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { parseRegister, RegisterError } from '../core/cameras.js';
import { InputError } from '../errors.js';
import { AuditLog } from '../infra/audit-log.js';
import { WriteLock } from '../store/lock.js';
import { Store } from '../store/store.js';
import { jsonOption, storeOption, storePath } from './common.js';
import { safeText, table } from './output.js';

/** `sightline cameras [import <file>]`: the camera register of a store. */
export function registerCameras(program: Command): void {
  const cameras = program
    .command('cameras')
    .description('the camera register: where each camera is, its time zone and clock offset')
    .addOption(storeOption())
    .addOption(jsonOption())
    .addHelpText(
      'after',
      `
Examples:
  sightline cameras import register.csv     CSV header: id,name,lat,lon,timezone,tags[,clock_offset]
  sightline cameras --json

timezone: an IANA name (Asia/Karachi); tags: ';'-separated (boundary marks a city-limit camera);
clock_offset: seconds the camera's clock runs ahead of true time (negative: behind), default 0.`,
    )
    .action(async (opts: { store: string; json?: boolean }) => {
      const store = await Store.open(storePath(opts.store), { create: false });
      try {
        const list = await store.cameras();
        if (opts.json) {
          process.stdout.write(JSON.stringify({ cameras: list }, null, 2) + '\n');
          return;
        }
        if (list.length === 0) {
          process.stdout.write("no cameras registered: add them with 'sightline cameras import <file>'\n");
          return;
        }
        process.stdout.write(
          table(
            ['id', 'name', 'lat', 'lon', 'time zone', 'clock offset', 'tags'],
            list.map((c) => [
              safeText(c.id),
              safeText(c.name),
              c.lat.toFixed(5),
              c.lon.toFixed(5),
              c.timezone,
              c.clockOffset ? `${c.clockOffset > 0 ? '+' : ''}${c.clockOffset} s` : '0',
              safeText(c.tags.join(';')),
            ]),
          ) + '\n',
        );
      } finally {
        store.close();
      }
    });

  cameras
    .command('import')
    .description('add cameras to the register (CSV or JSON), updating those with the same id')
    .argument('<file>', 'CSV with header id,name,lat,lon,timezone,tags or a JSON array of the same')
    // --store belongs to `cameras` (commander gives a parent's options wherever they stand)
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      const opts = (cmd.parent?.opts() ?? {}) as { store?: string };
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        throw new InputError(
          `cannot read ${safeText(file)}: ${(err as NodeJS.ErrnoException).code ?? 'error'}; give a camera register file`,
        );
      }
      let list;
      try {
        list = parseRegister(text);
      } catch (e) {
        if (e instanceof RegisterError)
          throw new InputError(`${safeText(file)}: ${e.message}; fix that row and import again`);
        throw e;
      }
      if (list.length === 0) throw new InputError(`${safeText(file)} holds no camera`);
      const dir = storePath(opts.store);
      // register first, then index: the store is created when it does not exist yet
      await Store.prepareDir(dir);
      const lock = WriteLock.acquire(dir);
      try {
        const store = await Store.open(dir, { create: true });
        try {
          await store.putCameras(list);
        } finally {
          store.close();
        }
        await AuditLog.forStore(dir).append('cameras-import', {
          file,
          cameras: list.map((c) => c.id),
        });
      } finally {
        lock.release();
      }
      process.stdout.write(`${list.length} camera${list.length === 1 ? '' : 's'} imported into ${dir}\n`);
    });
}
