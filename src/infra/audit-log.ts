import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  type AuditEntry,
  type ChainBreak,
  type ParsedLog,
  nextEntry,
  parseAuditLog,
  verifyChain,
} from '../core/audit.js';
import { InputError } from '../errors.js';
import { localStateDir } from '../store/location.js';
import { sha256Buffer } from './hash.js';

export const sha256Hex = (text: string): string => sha256Buffer(text);

/**
 * Append-only, hash-chained JSONL audit log (`<storeDir>/audit.log`). Every append is one
 * write of a whole line followed by fsync. A last line torn by a crash is never part of the
 * log: readers ignore it and the next append cuts it off before writing.
 * Appends within one process are serialised; the store is meant to have one writer at a time.
 */
export class AuditLog {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  static forStore(storeDir: string): AuditLog {
    return new AuditLog(join(localStateDir(storeDir), 'audit.log'));
  }

  append(action: string, details: Record<string, unknown>): Promise<AuditEntry> {
    const run = this.queue.then(() => this.appendNow(action, details));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async appendNow(action: string, details: Record<string, unknown>): Promise<AuditEntry> {
    await mkdir(dirname(this.path), { recursive: true });
    const fh = await open(this.path, 'a+');
    try {
      const text = (await fh.readFile()).toString('utf8');
      const parsed = parseAuditLog(text);
      if (parsed.badLine !== undefined) {
        throw new InputError(
          `audit log ${this.path} is damaged at line ${parsed.badLine}: it cannot be extended; keep it as evidence and investigate`,
        );
      }
      if (parsed.tornTail > 0) await fh.truncate(Buffer.byteLength(text) - parsed.tornTail);
      const entry = nextEntry(parsed.entries.at(-1), action, details, this.clock().toISOString(), sha256Hex);
      await fh.write(`${JSON.stringify(entry)}\n`);
      await fh.sync();
      return entry;
    } finally {
      await fh.close();
    }
  }

  /** Raw parse of the file (no chain check); an absent log is an empty one. */
  async read(): Promise<ParsedLog> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], tornTail: 0 };
      throw err;
    }
    return parseAuditLog(text);
  }

  async entries(): Promise<AuditEntry[]> {
    return (await this.read()).entries;
  }

  /** null when the whole chain is intact, else the first break. */
  async verify(): Promise<ChainBreak | null> {
    const parsed = await this.read();
    if (parsed.badLine !== undefined) {
      return { seq: parsed.entries.length, reason: `line ${parsed.badLine} is not an audit entry` };
    }
    return verifyChain(parsed.entries, sha256Hex);
  }
}
