/**
 * Average-linkage clustering over a sparse graph, for stores too large for a similarity matrix.
 * Pure: no I/O.
 *
 * It forms the clusters {@link clusterBySimilarity} forms, without holding n² similarities. Two
 * clusters merge while the mean similarity over all their cross pairs is at or above the
 * threshold; such a mean can only reach the threshold when at least one cross pair does, so only
 * cluster pairs joined by an edge (a pair of items at or above the threshold) are ever candidates.
 * Given every such edge (from all pairs of a small set, or from a neighbour search of a large one)
 * the merges are the dense method's, in the same order (ties aside): the mean of a candidate
 * pair is kept exactly, by the Lance-Williams update where both sides are known and by summing
 * the cross pairs where one is not. Memory is in the number of edges, not n².
 */

export interface SparseClusterInput {
  n: number;
  /** Pairs (i, j) whose similarity is at or above the threshold, with that similarity. */
  edges: Iterable<readonly [number, number, number]>;
  /** Similarity of any two items (read for pairs not among the edges, when two clusters meet). */
  similarity: (i: number, j: number) => number;
  /** Pairs that must never share a cluster. */
  cannotLink?: (i: number, j: number) => boolean;
  threshold: number;
}

interface Candidate {
  s: number;
  a: number;
  b: number;
  va: number;
  vb: number;
}

export function clusterSparse(input: SparseClusterInput): number[][] {
  const { n, threshold } = input;
  const members: Array<number[] | null> = Array.from({ length: n }, (_, i) => [i]);
  const adj: Array<Map<number, number>> = Array.from({ length: n }, () => new Map());
  const version = new Int32Array(n);
  const heap = new MaxHeap();
  for (const [i, j, sim] of input.edges) {
    if (i === j) continue;
    const s = input.cannotLink?.(i, j) ? -Infinity : sim;
    (adj[i] as Map<number, number>).set(j, s);
    (adj[j] as Map<number, number>).set(i, s);
    if (s >= threshold) heap.push({ s, a: Math.min(i, j), b: Math.max(i, j), va: 0, vb: 0 });
  }
  // the mean over all cross pairs of two clusters, summed (one side's mean with a third is unknown)
  const mean = (x: number[], y: number[]): number => {
    let sum = 0;
    for (const i of x) {
      for (const j of y) {
        if (input.cannotLink?.(i, j)) return -Infinity;
        sum += input.similarity(i, j);
      }
    }
    return sum / (x.length * y.length);
  };

  for (;;) {
    const c = heap.pop();
    if (!c) break;
    if (version[c.a] !== c.va || version[c.b] !== c.vb || !members[c.a] || !members[c.b]) continue;
    const u = c.a;
    const v = c.b;
    const mu = members[u] as number[];
    const mv = members[v] as number[];
    const au = adj[u] as Map<number, number>;
    const av = adj[v] as Map<number, number>;
    const merged = new Map<number, number>();
    for (const k of new Set([...au.keys(), ...av.keys()])) {
      if (k === u || k === v) continue;
      const mk = members[k] as number[];
      const su = au.get(k) ?? mean(mu, mk);
      const sv = av.get(k) ?? mean(mv, mk);
      const s =
        su === -Infinity || sv === -Infinity
          ? -Infinity
          : (mu.length * su + mv.length * sv) / (mu.length + mv.length);
      merged.set(k, s);
      const ak = adj[k] as Map<number, number>;
      ak.delete(v);
      ak.set(u, s);
    }
    members[u] = [...mu, ...mv];
    members[v] = null;
    adj[u] = merged;
    adj[v] = new Map();
    version[u] = (version[u] as number) + 1;
    version[v] = (version[v] as number) + 1;
    for (const [k, s] of merged) {
      if (s < threshold) continue;
      const a = Math.min(u, k);
      const b = Math.max(u, k);
      heap.push({ s, a, b, va: version[a] as number, vb: version[b] as number });
    }
  }
  const out = members.filter((m): m is number[] => m !== null).map((m) => [...m].sort((x, y) => x - y));
  return out.sort((x, y) => y.length - x.length || (x[0] as number) - (y[0] as number));
}

/** Candidates by similarity, highest first; ties by the lower pair of indices. */
class MaxHeap {
  private readonly items: Candidate[] = [];

  private static before(x: Candidate, y: Candidate): boolean {
    return x.s > y.s || (x.s === y.s && (x.a < y.a || (x.a === y.a && x.b < y.b)));
  }

  push(c: Candidate): void {
    const h = this.items;
    h.push(c);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!MaxHeap.before(h[i] as Candidate, h[p] as Candidate)) break;
      [h[i], h[p]] = [h[p] as Candidate, h[i] as Candidate];
      i = p;
    }
  }

  pop(): Candidate | undefined {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && MaxHeap.before(h[l] as Candidate, h[m] as Candidate)) m = l;
        if (r < h.length && MaxHeap.before(h[r] as Candidate, h[m] as Candidate)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m] as Candidate, h[i] as Candidate];
        i = m;
      }
    }
    return top;
  }
}
