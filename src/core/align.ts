/**
 * Face alignment maths: five facial points from the 68 iBUG landmarks, and the similarity
 * transform (rotation, uniform scale, translation) that maps them onto a template in the least
 * squares sense (Umeyama 1991, as insightface's `estimate_norm` does). Pure: no I/O.
 */

export type Point = readonly [number, number];

/**
 * The ArcFace 112 x 112 template (insightface `arcface_dst`): left eye, right eye, nose tip,
 * left and right mouth corners, in the image's left-to-right order. MobileFaceNet-style
 * recognisers trained on insightface data expect faces warped onto it.
 */
export const ARCFACE_TEMPLATE_112: readonly Point[] = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];

/** 2 x 3 affine matrix [a, b, tx, c, d, ty]: x' = a x + b y + tx, y' = c x + d y + ty. */
export type Affine = readonly [number, number, number, number, number, number];

/**
 * The five points from 68 iBUG landmarks: eye centres (mean of each eye's six points), nose tip
 * (30), mouth corners (48, 54). Eyes in image order: the subject's right eye (36-41) is on the left.
 */
export function fivePointsFrom68(lm: ReadonlyArray<readonly [number, number]>): Point[] {
  if (lm.length < 68) throw new RangeError(`need 68 landmarks, got ${lm.length}`);
  const mean = (from: number, to: number): Point => {
    let x = 0;
    let y = 0;
    for (let i = from; i <= to; i++) {
      x += (lm[i] as readonly [number, number])[0];
      y += (lm[i] as readonly [number, number])[1];
    }
    const n = to - from + 1;
    return [x / n, y / n];
  };
  const p = (i: number): Point => [(lm[i] as Point)[0], (lm[i] as Point)[1]];
  return [mean(36, 41), mean(42, 47), p(30), p(48), p(54)];
}

/**
 * Least-squares similarity transform taking `src` points onto `dst` points (Umeyama, no
 * reflection). Returns the forward matrix src → dst.
 */
export function similarityTransform(src: readonly Point[], dst: readonly Point[]): Affine {
  const n = src.length;
  if (n < 2 || dst.length !== n) throw new RangeError('similarityTransform needs >= 2 matching points');
  let mx = 0;
  let my = 0;
  let nx = 0;
  let ny = 0;
  for (let i = 0; i < n; i++) {
    mx += (src[i] as Point)[0];
    my += (src[i] as Point)[1];
    nx += (dst[i] as Point)[0];
    ny += (dst[i] as Point)[1];
  }
  mx /= n;
  my /= n;
  nx /= n;
  ny /= n;
  // covariance of centred dst x src, and the variance of src
  let sxx = 0;
  let sxy = 0;
  let syx = 0;
  let syy = 0;
  let varSrc = 0;
  for (let i = 0; i < n; i++) {
    const ax = (src[i] as Point)[0] - mx;
    const ay = (src[i] as Point)[1] - my;
    const bx = (dst[i] as Point)[0] - nx;
    const by = (dst[i] as Point)[1] - ny;
    sxx += bx * ax;
    sxy += bx * ay;
    syx += by * ax;
    syy += by * ay;
    varSrc += ax * ax + ay * ay;
  }
  if (varSrc === 0) throw new RangeError('similarityTransform: source points coincide');
  // for a 2-D similarity the optimal rotation angle and scale have a closed form
  const cosPart = sxx + syy;
  const sinPart = syx - sxy;
  const r = Math.hypot(cosPart, sinPart);
  const scale = r / varSrc;
  const cos = r === 0 ? 1 : cosPart / r;
  const sin = r === 0 ? 0 : sinPart / r;
  const a = scale * cos;
  const b = -scale * sin;
  const c = scale * sin;
  const d = scale * cos;
  return [a, b, nx - (a * mx + b * my), c, d, ny - (c * mx + d * my)];
}

export function applyAffine(m: Affine, [x, y]: Point): Point {
  return [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]];
}

export function invertAffine(m: Affine): Affine {
  const [a, b, tx, c, d, ty] = m;
  const det = a * d - b * c;
  if (det === 0) throw new RangeError('invertAffine: singular matrix');
  const ia = d / det;
  const ib = -b / det;
  const ic = -c / det;
  const id = a / det;
  return [ia, ib, -(ia * tx + ib * ty), ic, id, -(ic * tx + id * ty)];
}
