/**
 * The plate tracks and readings of a store as plate search needs them, in arrays: the distinct
 * texts (each matched once, through {@link PlateTextIndex}), which tracks hold each text settled or
 * read, and each track's score and first reading (the order the store keeps them, which breaks
 * ties as a scan of the rows would). Pure: built from columns the store reads, or decoded from the
 * bytes {@link encodePlateCatalogue} made (the store keeps one, made by its maintenance, so a
 * search at city scale reads one file instead of every reading).
 */
import { normalisePlate } from './plate.js';
import { PlateTextIndex, TextList } from './plate-index.js';

/** What plate search reads of every plate track and reading (store order). */
export interface PlateTextColumns {
  tracks: { ids: string[]; texts: Array<string | null>; scores: number[] };
  readings: { texts: Array<string | null>; trackIds: string[] };
}

const PLAIN = /^[A-Z0-9]*$/;

export class PlateCatalogue {
  private constructor(
    readonly index: PlateTextIndex,
    readonly trackIds: TextList,
    private readonly trackScore: Float64Array,
    private readonly firstReading: Int32Array,
    /** CSR: text → track rows whose settled text it is; text → track rows of its readings. */
    private readonly settled: Csr,
    private readonly read: Csr,
  ) {}

  /** Distinct normalised texts, as the index holds them. */
  get texts(): TextList {
    return this.index.texts;
  }

  get tracks(): number {
    return this.trackScore.length;
  }

  static of(cols: PlateTextColumns): PlateCatalogue {
    const texts: string[] = [];
    const byText = new Map<string, number>();
    const textOf = (raw: string | null | undefined): number => {
      if (typeof raw !== 'string') return -1;
      let i = byText.get(raw);
      if (i === undefined) {
        byText.set(raw, (i = texts.length));
        texts.push(PLAIN.test(raw) ? raw : normalisePlate(raw));
      }
      return i;
    };
    const t = cols.tracks;
    const n = t.ids.length;
    const rowOf = new Map<string, number>();
    const trackScore = Float64Array.from(t.scores);
    const trackText = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      rowOf.set(t.ids[i] as string, i);
      trackText[i] = textOf(t.texts[i]);
    }
    const r = cols.readings;
    const firstReading = new Int32Array(n).fill(-1);
    const readTrack: number[] = [];
    const readText: number[] = [];
    for (let i = 0; i < r.trackIds.length; i++) {
      const row = rowOf.get(r.trackIds[i] as string);
      if (row === undefined) continue;
      if ((firstReading[row] as number) < 0) firstReading[row] = i;
      const text = textOf(r.texts[i]);
      if (text < 0) continue;
      readTrack.push(row);
      readText.push(text);
    }
    const withReadings: number[] = [];
    const settledText: number[] = [];
    for (let i = 0; i < n; i++) {
      // a track without a reading is never a hit (it has no evidence frame)
      if ((firstReading[i] as number) >= 0 && (trackText[i] as number) >= 0) {
        withReadings.push(i);
        settledText.push(trackText[i] as number);
      }
    }
    return new PlateCatalogue(
      new PlateTextIndex(texts),
      TextList.of(t.ids),
      trackScore,
      firstReading,
      Csr.of(texts.length, settledText, withReadings),
      Csr.of(texts.length, readText, readTrack),
    );
  }

  /**
   * The track rows a pattern matches, ranked as search lists them: cheapest match (settled text or
   * any reading), then the track's score, then the store's order.
   */
  rank(pattern: string, exact: boolean): number[] {
    const cost = new Map<number, number>();
    const note = (row: number, c: number): void => {
      const prev = cost.get(row);
      if (prev === undefined || c < prev) cost.set(row, c);
    };
    for (const m of this.index.match(pattern, { exact })) {
      this.settled.each(m.text, (row) => note(row, m.match.cost));
      this.read.each(m.text, (row) => note(row, m.match.cost));
    }
    return [...cost.entries()]
      .sort(
        (a, b) =>
          a[1] - b[1] ||
          (this.trackScore[b[0]] as number) - (this.trackScore[a[0]] as number) ||
          (this.firstReading[a[0]] as number) - (this.firstReading[b[0]] as number),
      )
      .map(([row]) => row);
  }

  /** The sections {@link encodePlateCatalogue} writes, in its order. */
  sections(): Section[] {
    const grams = this.index.postingsParts();
    return [
      ['texts', this.texts.joined],
      ['textEnds', this.texts.ends],
      ['trackIds', this.trackIds.joined],
      ['trackIdEnds', this.trackIds.ends],
      ['trackScore', this.trackScore],
      ['firstReading', this.firstReading],
      ['settledStart', this.settled.start],
      ['settledItems', this.settled.items],
      ['readStart', this.read.start],
      ['readItems', this.read.items],
      ['gramStart', grams.start],
      ['postings', grams.postings],
    ];
  }

  static fromSections(get: (name: string) => string | Int32Array | Float64Array): PlateCatalogue {
    const str = (name: string): string => {
      const v = get(name);
      if (typeof v !== 'string') throw new Error(`plate catalogue: ${name} is not text`);
      return v;
    };
    const int = (name: string): Int32Array => {
      const v = get(name);
      if (!(v instanceof Int32Array)) throw new Error(`plate catalogue: ${name} is not int32`);
      return v;
    };
    const f64 = get('trackScore');
    if (!(f64 instanceof Float64Array)) throw new Error('plate catalogue: trackScore is not float64');
    const texts = TextList.fromParts(str('texts'), int('textEnds'));
    const trackIds = TextList.fromParts(str('trackIds'), int('trackIdEnds'));
    const settled = new Csr(int('settledStart'), int('settledItems'));
    const read = new Csr(int('readStart'), int('readItems'));
    const n = f64.length;
    const firstReading = int('firstReading');
    if (
      trackIds.length !== n ||
      firstReading.length !== n ||
      settled.keys !== texts.length ||
      read.keys !== texts.length
    ) {
      throw new Error('plate catalogue: sections of different lengths');
    }
    return new PlateCatalogue(
      PlateTextIndex.fromParts(texts, int('gramStart'), int('postings')),
      trackIds,
      f64,
      firstReading,
      settled,
      read,
    );
  }
}

type Section = [string, string | Int32Array | Float64Array];

/** Lists of rows by key, in compressed sparse rows. */
class Csr {
  constructor(
    readonly start: Int32Array,
    readonly items: Int32Array,
  ) {}

  get keys(): number {
    return this.start.length - 1;
  }

  each(key: number, fn: (item: number) => void): void {
    const end = this.start[key + 1] as number;
    for (let k = this.start[key] as number; k < end; k++) fn(this.items[k] as number);
  }

  static of(keys: number, keyOf: readonly number[], items: readonly number[]): Csr {
    const start = new Int32Array(keys + 1);
    for (const k of keyOf) start[k + 1] = (start[k + 1] as number) + 1;
    for (let k = 0; k < keys; k++) start[k + 1] = (start[k + 1] as number) + (start[k] as number);
    const fill = start.slice(0, keys);
    const out = new Int32Array(items.length);
    for (let i = 0; i < items.length; i++) {
      const k = keyOf[i] as number;
      out[fill[k] as number] = items[i] as number;
      fill[k] = (fill[k] as number) + 1;
    }
    return new Csr(start, out);
  }
}

const FORMAT = 'sightline-plate-catalogue/1';
const ALIGN = 8;

/**
 * The catalogue as bytes: a little-endian u32 header length, a JSON header (format, `meta`, each
 * section's name, type, offset and length), then the sections, each at a multiple of 8 bytes so
 * they decode as typed arrays in place.
 */
export function encodePlateCatalogue(c: PlateCatalogue, meta: Record<string, unknown>): Uint8Array {
  const parts: Array<{ name: string; type: string; bytes: Uint8Array }> = c.sections().map(([name, v]) => ({
    name,
    type: typeof v === 'string' ? 'utf8' : v instanceof Int32Array ? 'i32' : 'f64',
    bytes:
      typeof v === 'string'
        ? new TextEncoder().encode(v)
        : new Uint8Array(v.buffer, v.byteOffset, v.byteLength),
  }));
  const layout = (base: number): Array<[string, string, number, number]> => {
    let at = base;
    return parts.map((p) => {
      at = Math.ceil(at / ALIGN) * ALIGN;
      const row: [string, string, number, number] = [p.name, p.type, at, p.bytes.byteLength];
      at += p.bytes.byteLength;
      return row;
    });
  };
  // the header's length depends on the offsets it lists: settle it (two rounds at most)
  let headerLen = 0;
  let header = '';
  for (let round = 0; round < 4; round++) {
    const base = Math.ceil((4 + headerLen) / ALIGN) * ALIGN;
    header = JSON.stringify({ format: FORMAT, littleEndian: true, meta, sections: layout(base) });
    const len = new TextEncoder().encode(header).byteLength;
    if (len === headerLen) break;
    headerLen = len;
  }
  const headerBytes = new TextEncoder().encode(header);
  const sections = layout(Math.ceil((4 + headerBytes.byteLength) / ALIGN) * ALIGN);
  const last = sections[sections.length - 1];
  const total = last ? last[2] + last[3] : 4 + headerBytes.byteLength;
  const out = new Uint8Array(total);
  new DataView(out.buffer).setUint32(0, headerBytes.byteLength, true);
  out.set(headerBytes, 4);
  sections.forEach(([, , at], i) => out.set((parts[i] as { bytes: Uint8Array }).bytes, at));
  return out;
}

interface Header {
  format: string;
  littleEndian: boolean;
  meta: Record<string, unknown>;
  sections: Array<[string, string, number, number]>;
}

function readHeader(bytes: Uint8Array): Header {
  if (bytes.byteLength < 4) throw new Error('plate catalogue: truncated');
  const len = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
  if (4 + len > bytes.byteLength) throw new Error('plate catalogue: truncated header');
  const h = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + len))) as Header;
  if (h.format !== FORMAT || h.littleEndian !== true) throw new Error(`plate catalogue: not ${FORMAT}`);
  return h;
}

/** The `meta` a catalogue was written with (reads the header only). */
export function plateCatalogueMeta(bytes: Uint8Array): Record<string, unknown> {
  return readHeader(bytes).meta;
}

/** Decodes {@link encodePlateCatalogue}'s bytes; typed arrays view `bytes` where aligned. */
export function decodePlateCatalogue(bytes: Uint8Array): PlateCatalogue {
  const h = readHeader(bytes);
  if (bytes.byteOffset % ALIGN !== 0) bytes = bytes.slice();
  const byName = new Map(h.sections.map((s) => [s[0], s]));
  return PlateCatalogue.fromSections((name) => {
    const s = byName.get(name);
    if (!s) throw new Error(`plate catalogue: no ${name}`);
    const [, type, at, len] = s;
    if (at + len > bytes.byteLength) throw new Error('plate catalogue: truncated');
    const off = bytes.byteOffset + at;
    if (type === 'utf8') return new TextDecoder().decode(bytes.subarray(at, at + len));
    if (type === 'i32') return new Int32Array(bytes.buffer, off, len / 4);
    if (type === 'f64') return new Float64Array(bytes.buffer, off, len / 8);
    throw new Error(`plate catalogue: unknown section type ${type}`);
  });
}
