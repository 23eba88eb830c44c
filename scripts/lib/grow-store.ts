/**
 * Grows a Sightline store to city size with synthetic rows shaped like real ones, for the search
 * bench (`npm run bench -- --search`) and the tests that compare indexed search with a scan.
 *
 * The rows are written with the project's own schemas and Store methods (a source at a time:
 * begin, faces, plates, tracks, complete), so the store is what `index` would leave, and the
 * project's own maintenance (Store.maintain) builds its indexes. From a real seed store it takes:
 * - face vectors: each synthetic person is a real face vector moved away from it (cosine about
 *   0.5 to it, so persons made from one real face look alike, as look-alikes do), each face of a
 *   sighting that person's vector with noise (cosine about 0.85); most people are seen once, a
 *   pool of recurring people several times at several cameras; a quarter of the faces are heads
 *   seen (not identifiable, usable 0), as on real CCTV;
 * - the seed's own face tracks, copied whole into a few synthetic sources under new ids starting
 *   `planted-`: the person a query photo must still find at 1M faces;
 * - plates: tracks of plate-like strings in UK, EU and US-like formats, each read 2-8 times, a
 *   third of the readings misread as OCR misreads (look-alike swaps, a lost or extra character);
 *   watchlist plates are planted as tracks of their own (readings misread too);
 * - thumbnails, crops and model ids from the seed's rows.
 * Deterministic for a seed.
 */
import { createHash } from 'node:crypto';
import { CONFUSABLE_GROUPS } from '../../src/core/plate.js';
import { seededRandom } from '../../src/core/random.js';
import type { FaceRow, PlateRow, SourceRow, Store, TrackRow } from '../../src/store/store.js';

export interface Seed {
  faces: FaceRow[];
  faceTracks: TrackRow[];
  plates: PlateRow[];
  plateTracks: TrackRow[];
  source: SourceRow;
}

/** The rows of a real store a grower copies shapes from. */
export async function readSeed(store: Store): Promise<Seed> {
  const sources = (await store.listSources()).filter((s) => s.status === 'complete');
  const source = sources[0];
  if (!source) throw new Error(`seed store ${store.dir} holds no indexed source`);
  const faceTracks = await store.tracks('face');
  const plateTracks = await store.tracks('plate');
  const faces = await store.faceRowsOfTracks(faceTracks.map((t) => t.id));
  const plates = (
    await store.plateRowsOfTracks(
      plateTracks.map((t) => t.id),
      true,
    )
  ).map((p) => ({ ...p, crop: p.crop ? Buffer.from(p.crop) : null }));
  if (faces.length === 0) throw new Error(`seed store ${store.dir} holds no face: index footage with people`);
  if (plates.length === 0)
    throw new Error(`seed store ${store.dir} holds no plate: index footage with plates`);
  return { faces, faceTracks, plates, plateTracks, source };
}

export interface GrowPlan {
  /** Faces and plate readings the store should hold when done. */
  faces: number;
  readings: number;
  /** Plates planted as tracks of their own (the watchlist the bench searches). */
  planted: readonly string[];
  /** Synthetic sources that get a copy of the seed's face tracks. */
  plantedCopies: number;
  seed?: number;
  /** Rows a synthetic source holds of each kind. */
  perSource?: number;
}

export interface GrowState {
  faces: number;
  readings: number;
  sources: number;
  plantedPlates: number;
  plantedFaceTracks: number;
}

/** The deterministic generator of the grower (the same seed grows the same store). */
export const rng = seededRandom;

/** Track ids of planted plates start with this and the plate: `planted-plate-LE21ABC-…`. */
export const PLANTED_PLATE = 'planted-plate-';

const LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';
const DIGITS = '0123456789';
const FORMATS = ['LLDDLLL', 'LLDDLLL', 'LLDDLLL', 'LLLDDDD', 'DLLLDDD', 'LLDDDLL', 'LDDDLLL'];
const DAY = Date.parse('2026-11-30T00:00:00Z');

export class Grower {
  private readonly r: () => number;
  private gaussSpare: number | null = null;
  private readonly realVectors: Float32Array[];
  private readonly dims: number;
  /** Recurring people: their identity vectors. */
  private readonly pool: Float32Array[] = [];
  private n = 0;

  constructor(
    private readonly seed: Seed,
    private readonly plan: GrowPlan,
  ) {
    this.r = rng(plan.seed ?? 20);
    const usable = seed.faces.filter((f) => f.usable === 1);
    this.realVectors = (usable.length > 0 ? usable : seed.faces).map((f) => Float32Array.from(f.vector));
    this.dims = this.realVectors[0]?.length ?? 512;
  }

  /** This grower's plan with other targets (a step of a store grown size by size). */
  planFor(size: number): GrowPlan {
    return { ...this.plan, faces: size, readings: size };
  }

  /** Writes synthetic sources until the store holds the plan's faces and readings. */
  async grow(store: Store, state: GrowState, onSource?: (s: GrowState) => void): Promise<GrowState> {
    const per = this.plan.perSource ?? 5000;
    const total = Math.max(1, Math.ceil(Math.max(this.plan.faces, this.plan.readings) / per));
    // planted plates and seed copies spread over the sources still to write
    const plates = this.plan.planted.slice(state.plantedPlates);
    let s = { ...state };
    while (s.faces < this.plan.faces || s.readings < this.plan.readings) {
      const left = Math.max(1, total - s.sources);
      const faces = Math.min(per, this.plan.faces - s.faces);
      const readings = Math.min(per, this.plan.readings - s.readings);
      const plant = plates.splice(0, Math.ceil(plates.length / left));
      const copy = s.plantedFaceTracks < this.plan.plantedCopies && s.sources % 3 === 0;
      const written = await this.source(
        store,
        s.sources,
        Math.max(0, faces),
        Math.max(0, readings),
        plant,
        copy,
      );
      s = {
        faces: s.faces + written.faces,
        readings: s.readings + written.readings,
        sources: s.sources + 1,
        plantedPlates: s.plantedPlates + plant.length,
        plantedFaceTracks: s.plantedFaceTracks + (copy ? 1 : 0),
      };
      onSource?.(s);
    }
    return s;
  }

  private async source(
    store: Store,
    k: number,
    faces: number,
    readings: number,
    plates: readonly string[],
    copySeed: boolean,
  ): Promise<{ faces: number; readings: number }> {
    const camera = `cam-${String(k % 200).padStart(3, '0')}`;
    const start = DAY + Math.floor(k / 200) * 3_600_000 + Math.floor(this.r() * 600) * 1000;
    const sha = createHash('sha256').update(`grown-${k}`).digest('hex');
    const id = sha.slice(0, 32);
    const source: SourceRow = {
      ...this.seed.source,
      id,
      sha256: sha,
      path: `/grown/${camera}/${k}.mp4`,
      size: 1_000_000,
      mtime_ms: start,
      camera,
      start_time: new Date(start).toISOString(),
      duration: 3600,
      status: 'indexing',
    };
    await store.beginSource(source);
    const ctx = { id, sha, camera, start };
    const face = this.faceRows(ctx, faces, copySeed);
    const plate = this.plateRows(ctx, readings, plates);
    await store.addFaces(face.rows);
    await store.addPlates(plate.rows);
    await store.addTracks([...face.tracks, ...plate.tracks]);
    await store.completeSource(id, 3600);
    return { faces: face.rows.length, readings: plate.rows.length };
  }

  private faceRows(ctx: Ctx, count: number, copySeed: boolean): { rows: FaceRow[]; tracks: TrackRow[] } {
    const rows: FaceRow[] = [];
    const tracks: TrackRow[] = [];
    if (copySeed) {
      const shift = Math.floor(this.r() * 3000);
      for (const t of this.seed.faceTracks) {
        const tid = `planted-${ctx.id.slice(0, 8)}-${t.id}`;
        const at = (o: number): string => new Date(ctx.start + (o + shift) * 1000).toISOString();
        tracks.push({
          ...t,
          id: tid,
          source_id: ctx.id,
          source_sha256: ctx.sha,
          camera: ctx.camera,
          start_offset: t.start_offset + shift,
          end_offset: t.end_offset + shift,
          best_offset: t.best_offset + shift,
          best_pts: t.best_pts + shift,
          start_time: at(t.start_offset),
          end_time: at(t.end_offset),
        });
        for (const f of this.seed.faces.filter((x) => x.track_id === t.id)) {
          rows.push({
            ...f,
            id: `${tid}-${rows.length}`,
            source_id: ctx.id,
            source_sha256: ctx.sha,
            camera: ctx.camera,
            track_id: tid,
            offset: f.offset + shift,
            pts: f.pts + shift,
            time: at(f.offset),
          });
        }
      }
    }
    const template = this.seed.faces[0] as FaceRow;
    const trackTemplate = this.seed.faceTracks[0] as TrackRow;
    let offset = 0;
    while (rows.length < count) {
      const n = Math.min(count - rows.length, 3 + Math.floor(this.r() * 13));
      const person = this.person();
      const tid = `t${ctx.id.slice(0, 12)}${String(this.n++).padStart(8, '0')}`;
      const usable = this.r() < 0.75 ? 1 : 0;
      const t0 = offset;
      const box: [number, number, number, number] = [
        Math.floor(this.r() * 1700),
        Math.floor(this.r() * 900),
        40 + Math.floor(this.r() * 100),
        50 + Math.floor(this.r() * 120),
      ];
      let best = 0;
      for (let i = 0; i < n; i++) {
        const o = offset + i * 0.5;
        const quality = 0.2 + this.r() * 0.7;
        if (quality > best) best = quality;
        rows.push({
          ...template,
          ...detectionAt(ctx, tid, i, o, 2),
          box_x: box[0],
          box_y: box[1],
          box_w: box[2],
          box_h: box[3],
          quality,
          score: 0.5 + this.r() * 0.5,
          usable,
          vector: Array.from(this.around(person, 0.62)),
        });
      }
      const end = offset + (n - 1) * 0.5;
      tracks.push({
        ...trackTemplate,
        ...trackSpan(ctx, tid, 'face', t0, end, n),
        best_x: box[0],
        best_y: box[1],
        best_w: box[2],
        best_h: box[3],
        score: best,
        usable: usable * n,
      });
      offset = end + 1 + this.r() * 4;
    }
    return { rows, tracks };
  }

  private plateRows(
    ctx: Ctx,
    count: number,
    planted: readonly string[],
  ): { rows: PlateRow[]; tracks: TrackRow[] } {
    const rows: PlateRow[] = [];
    const tracks: TrackRow[] = [];
    const template = this.seed.plates[0] as PlateRow;
    const trackTemplate = this.seed.plateTracks[0] as TrackRow;
    const wanted = [...planted];
    let offset = 0;
    while (rows.length < count || wanted.length > 0) {
      const plant = wanted.shift();
      const plate = plant ?? this.plate();
      const n = 2 + Math.floor(this.r() * 7);
      const serial = `${ctx.id.slice(0, 12)}${String(this.n++).padStart(8, '0')}`;
      // a planted plate's track says so in its id
      const tid = plant ? `${PLANTED_PLATE}${plant}-${serial}` : `p${serial}`;
      const t0 = offset;
      const reads: string[] = [];
      for (let i = 0; i < n; i++) {
        // a planted plate is read right at least once
        const text = (plant && i === 0) || this.r() < 0.67 ? plate : this.misread(plate);
        reads.push(text);
        const o = offset + i * 0.2;
        rows.push({
          ...template,
          ...detectionAt(ctx, tid, i, o, 5),
          raw: text,
          text,
          confidence: 0.5 + this.r() * 0.5,
        });
      }
      // the settled text: the reading most often seen (the plate itself on a tie)
      const votes = new Map<string, number>();
      for (const t of reads) votes.set(t, (votes.get(t) ?? 0) + 1);
      const top = [...votes].sort((a, b) => b[1] - a[1])[0];
      const settled = top && top[1] > (votes.get(plate) ?? 0) ? top[0] : plate;
      const end = offset + (n - 1) * 0.2;
      tracks.push({
        ...trackTemplate,
        ...trackSpan(ctx, tid, 'plate', t0, end, n),
        text: settled,
        score: 0.5 + this.r() * 0.5,
      });
      offset = end + 0.5 + this.r() * 3;
    }
    return { rows, tracks };
  }

  /** A plate-like string. */
  plate(): string {
    const fmt = FORMATS[Math.floor(this.r() * FORMATS.length)] as string;
    let out = '';
    for (const f of fmt) out += this.pick(f === 'L' ? LETTERS : DIGITS);
    return out;
  }

  /** The plate as OCR may misread it: a look-alike swap mostly, sometimes a lost or extra character. */
  misread(plate: string): string {
    const chars = [...plate];
    const i = Math.floor(this.r() * chars.length);
    const u = this.r();
    if (u < 0.75) {
      const c = chars[i] as string;
      const groups = CONFUSABLE_GROUPS.filter((g) => g.includes(c));
      const g = groups[Math.floor(this.r() * groups.length)];
      if (g) chars[i] = this.pick(g.replace(c, '') || c);
    } else if (u < 0.88) chars.splice(i, 1);
    else chars.splice(i, 0, this.pick(LETTERS + DIGITS));
    return chars.join('');
  }

  private pick(s: string): string {
    return s[Math.floor(this.r() * s.length)] as string;
  }

  /** The identity vector of a sighting's person: someone seen once (70 %) or one of a pool. */
  private person(): Float32Array {
    const recurring = this.r() < 0.3;
    if (recurring && this.pool.length > 0 && this.r() < 0.9) {
      return this.pool[Math.floor(this.r() * this.pool.length)] as Float32Array;
    }
    const base = this.realVectors[Math.floor(this.r() * this.realVectors.length)] as Float32Array;
    const v = this.around(base, 1.73);
    if (recurring) this.pool.push(v);
    return v;
  }

  /** A unit vector near `v`: v plus isotropic noise of norm `r` (cosine to v ≈ 1 / sqrt(1 + r²)). */
  private around(v: Float32Array, r: number): Float32Array {
    const out = new Float32Array(this.dims);
    const sigma = r / Math.sqrt(this.dims);
    let nv = 0;
    for (let i = 0; i < this.dims; i++) nv += (v[i] as number) ** 2;
    const scale = 1 / Math.sqrt(nv || 1);
    let norm = 0;
    for (let i = 0; i < this.dims; i++) {
      const x = (v[i] as number) * scale + sigma * this.gauss();
      out[i] = x;
      norm += x * x;
    }
    norm = Math.sqrt(norm);
    for (let i = 0; i < this.dims; i++) out[i] = (out[i] as number) / norm;
    return out;
  }

  private gauss(): number {
    if (this.gaussSpare !== null) {
      const g = this.gaussSpare;
      this.gaussSpare = null;
      return g;
    }
    const u = Math.max(1e-12, this.r());
    const w = this.r();
    const m = Math.sqrt(-2 * Math.log(u));
    this.gaussSpare = m * Math.sin(2 * Math.PI * w);
    return m * Math.cos(2 * Math.PI * w);
  }
}

interface Ctx {
  id: string;
  sha: string;
  camera: string;
  start: number;
}

/** The columns every detection row of a synthetic source shares: detection i of track `tid` at `o` s. */
function detectionAt(ctx: Ctx, tid: string, i: number, o: number, samplesPerSecond: number) {
  return {
    id: `${tid}-${i}`,
    source_id: ctx.id,
    source_sha256: ctx.sha,
    camera: ctx.camera,
    track_id: tid,
    offset: o,
    pts: o,
    sample: Math.round(o * samplesPerSecond),
    time: new Date(ctx.start + o * 1000).toISOString(),
  };
}

/** The columns every synthetic track shares: its source, span and times (best frame: its first). */
function trackSpan(
  ctx: Ctx,
  tid: string,
  kind: 'face' | 'plate',
  t0: number,
  end: number,
  detections: number,
) {
  return {
    id: tid,
    kind,
    source_id: ctx.id,
    source_sha256: ctx.sha,
    camera: ctx.camera,
    start_offset: t0,
    end_offset: end,
    best_offset: t0,
    best_pts: t0,
    detections,
    start_time: new Date(ctx.start + t0 * 1000).toISOString(),
    end_time: new Date(ctx.start + end * 1000).toISOString(),
  };
}

/**
 * A seed made up without a store, for tests of search over grown stores: one face track of
 * random `dims`-dimensional faces and one plate track, with the columns `index` writes.
 */
export function syntheticSeed(dims = 16, seed = 5): Seed {
  const r = rng(seed);
  const base = {
    source_id: 'seed',
    source_sha256: 'seed',
    camera: 'seed',
    offset: 0,
    pts: 0,
    sample: 0,
    time: null,
    box_x: 10,
    box_y: 10,
    box_w: 60,
    box_h: 60,
    frame_w: 1920,
    frame_h: 1080,
  };
  const faces: FaceRow[] = Array.from({ length: 4 }, (_, i) => ({
    ...base,
    id: `seed-face-${i}`,
    track_id: 'seed-face',
    model_id: 'synthetic',
    score: 0.9,
    size: 60,
    sharpness: 1,
    yaw: 0,
    pitch: 0,
    quality: 0.8,
    verify: 1,
    usable: 1,
    norm: 20,
    vector: Array.from({ length: dims }, () => r() - 0.5),
    thumb: null,
  }));
  const track = (id: string, kind: string, text: string | null): TrackRow => ({
    id,
    kind,
    source_id: 'seed',
    source_sha256: 'seed',
    camera: 'seed',
    start_offset: 0,
    end_offset: 1,
    best_offset: 0,
    best_pts: 0,
    best_x: 10,
    best_y: 10,
    best_w: 60,
    best_h: 60,
    frame_w: 1920,
    frame_h: 1080,
    detections: 4,
    text,
    score: 0.9,
    model_id: 'synthetic',
    thumb: null,
    usable: kind === 'face' ? 4 : 0,
    vehicle_type: null,
    vehicle_colour: null,
    vehicle_confidence: -1,
    colour_confidence: -1,
    start_time: null,
    end_time: null,
  });
  const plates: PlateRow[] = [
    {
      ...base,
      id: 'seed-plate-0',
      track_id: 'seed-plate',
      model_id: 'synthetic',
      raw: 'LE21ABC',
      text: 'LE21ABC',
      confidence: 0.9,
      char_conf: '[]',
      alternatives: '[]',
      crop: null,
      vehicle: '',
    },
  ];
  const source: SourceRow = {
    id: 'seed',
    sha256: 'seed',
    path: '/seed.mp4',
    size: 1,
    mtime_ms: 0,
    camera: 'seed',
    start_time: null,
    start_time_source: 'grown',
    duration: 3600,
    fps: 25,
    width: 1920,
    height: 1080,
    codec: 'h264',
    rotation: 0,
    first_pts: 0,
    pipeline_version: 'grown',
    status: 'complete',
    indexed_at: new Date(0).toISOString(),
    frames_sampled: 0,
    settings: '{}',
  };
  return {
    faces,
    faceTracks: [track('seed-face', 'face', null)],
    plates,
    plateTracks: [track('seed-plate', 'plate', 'LE21ABC')],
    source,
  };
}
