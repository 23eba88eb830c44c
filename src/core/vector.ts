/** Vector maths for face embeddings. Pure: no I/O. */

export type Vector = ArrayLike<number>;

export function dot(a: Vector, b: Vector): number {
  if (a.length !== b.length) throw new RangeError(`vector lengths differ: ${a.length} vs ${b.length}`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/**
 * Dot product of two vectors of equal length, four lanes at a time (about 3x {@link dot} in
 * V8): for the millions of products a large store's clustering takes.
 */
export function fastDot(a: Float32Array, b: Float32Array): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n = a.length;
  const m = n - (n % 4);
  let i = 0;
  for (; i < m; i += 4) {
    s0 += (a[i] as number) * (b[i] as number);
    s1 += (a[i + 1] as number) * (b[i + 1] as number);
    s2 += (a[i + 2] as number) * (b[i + 2] as number);
    s3 += (a[i + 3] as number) * (b[i + 3] as number);
  }
  for (; i < n; i++) s0 += (a[i] as number) * (b[i] as number);
  return s0 + s1 + s2 + s3;
}

export function norm(a: Vector): number {
  return Math.sqrt(dot(a, a));
}

/** Unit-length copy of `a`; a zero vector stays zero (it matches nothing rather than NaN-ing). */
export function l2normalize(a: Vector): Float32Array {
  const out = new Float32Array(a.length);
  const n = norm(a);
  if (n === 0 || !Number.isFinite(n)) return out;
  for (let i = 0; i < a.length; i++) out[i] = (a[i] as number) / n;
  return out;
}

/** Cosine similarity in [-1, 1]; 0 when either vector is zero. */
export function cosine(a: Vector, b: Vector): number {
  const na = norm(a);
  const nb = norm(b);
  if (na === 0 || nb === 0) return 0;
  const c = dot(a, b) / (na * nb);
  return Math.max(-1, Math.min(1, c));
}

/**
 * Fuses several embeddings of one person (several query photos, or the frames of a track) into
 * one: the normalised mean of the normalised inputs, optionally weighted (e.g. by face quality).
 * Normalising first stops one large-norm vector from dominating.
 */
export function fuseVectors(vectors: readonly Vector[], weights?: readonly number[]): Float32Array {
  const first = vectors[0];
  if (first === undefined) throw new RangeError('fuseVectors needs at least one vector');
  if (weights !== undefined && weights.length !== vectors.length) {
    throw new RangeError('fuseVectors: one weight per vector');
  }
  const sum = new Float64Array(first.length);
  vectors.forEach((v, k) => {
    if (v.length !== first.length) throw new RangeError('fuseVectors: vector lengths differ');
    const w = weights === undefined ? 1 : (weights[k] as number);
    const u = l2normalize(v);
    for (let i = 0; i < u.length; i++) sum[i] = (sum[i] as number) + w * (u[i] as number);
  });
  return l2normalize(sum);
}
