import sharp from 'sharp';
import { escapeHtml, plainText } from '../core/escape.js';
import { layoutMap, scaleBarKm } from '../core/map.js';
import { fontFile } from './frames.js';

export interface MapCamera {
  id: string;
  name: string;
  lat: number;
  lon: number;
}

export interface MapLeg {
  fromCamera: string;
  toCamera: string;
  implausible: boolean;
}

const WIDTH = 1200;
const HEIGHT = 800;
const MARGIN = 110;
const ROUTE = '#1f4e99';
const IMPLAUSIBLE = '#c00000';

/** Text in DejaVu from npm (a fresh machine may have no system fonts for SVG text). */
async function label(
  text: string,
  px: number,
  colour = '#111111',
): Promise<{ png: Buffer; w: number; h: number }> {
  const { data, info } = await sharp({
    text: {
      text: `<span foreground="${colour}">${escapeHtml(plainText(text))}</span>`,
      font: `DejaVu Sans ${px}px`,
      fontfile: fontFile(),
      rgba: true,
      dpi: 72,
    },
  })
    .png()
    .toBuffer({ resolveWithObject: true });
  return { png: data, w: info.width, h: info.height };
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), Math.max(lo, hi));

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

const overlaps = (a: Box, b: Box): boolean =>
  a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/**
 * trail-map.png: the cameras at their register coordinates and the route between them, leg by
 * leg in time order (numbered; an implausible leg red and dashed); north up, with a scale bar.
 * Straight lines join cameras: the road actually taken is not known. Drawn here, no map tiles.
 */
export async function drawTrailMap(cameras: readonly MapCamera[], legs: readonly MapLeg[]): Promise<Buffer> {
  const { at, pxPerKm } = layoutMap(cameras, WIDTH, HEIGHT, MARGIN);
  const svg: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}">`,
    `<defs>`,
    ...[
      ['ok', ROUTE],
      ['bad', IMPLAUSIBLE],
    ].map(
      ([id, c]) =>
        `<marker id="${id}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="${c}"/></marker>`,
    ),
    `</defs>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<rect x="1" y="1" width="${WIDTH - 2}" height="${HEIGHT - 2}" fill="none" stroke="#888888"/>`,
  ];
  const taken: Box[] = [...at.values()].map((p) => ({ x: p.x - 10, y: p.y - 10, w: 20, h: 20 }));
  const placed: Array<{ input: Buffer; left: number; top: number }> = [];
  const texts: Array<{ text: string; x: number; y: number; px: number; colour?: string; centre?: boolean }> =
    [];
  legs.forEach((leg, i) => {
    const a = at.get(leg.fromCamera);
    const b = at.get(leg.toCamera);
    if (!a || !b) return;
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const len = Math.hypot(dx, dy);
    if (len < 1) return;
    // bent a little to the right of travel, so A→B and B→A do not lie on one another
    const bend = Math.min(60, 0.12 * len);
    const cx = (a.x + b.x) / 2 - (dy / len) * bend;
    const cy = (a.y + b.y) / 2 + (dx / len) * bend;
    // stop short of the camera's dot
    const ex = b.x - ((b.x - cx) / Math.hypot(b.x - cx, b.y - cy)) * 11;
    const ey = b.y - ((b.y - cy) / Math.hypot(b.x - cx, b.y - cy)) * 11;
    const colour = leg.implausible ? IMPLAUSIBLE : ROUTE;
    svg.push(
      `<path d="M${a.x.toFixed(1)},${a.y.toFixed(1)} Q${cx.toFixed(1)},${cy.toFixed(1)} ${ex.toFixed(1)},${ey.toFixed(1)}" fill="none" stroke="${colour}" stroke-width="4"${
        leg.implausible ? ' stroke-dasharray="14,9"' : ''
      } marker-end="url(#${leg.implausible ? 'bad' : 'ok'})"/>`,
    );
    // the leg's number on its middle; on a short leg, beside it (to the right of travel)
    const aside = len < 80 ? 26 : 0;
    const mx = 0.25 * a.x + 0.5 * cx + 0.25 * b.x - (dy / len) * aside;
    const my = 0.25 * a.y + 0.5 * cy + 0.25 * b.y + (dx / len) * aside;
    svg.push(
      `<circle cx="${mx.toFixed(1)}" cy="${my.toFixed(1)}" r="15" fill="#ffffff" stroke="${colour}" stroke-width="3"/>`,
    );
    texts.push({ text: String(i + 1), x: mx, y: my, px: 18, colour, centre: true });
    taken.push({ x: mx - 16, y: my - 16, w: 32, h: 32 });
  });
  // camera names: each at the first of four corners of its dot where it overlaps no other
  // name or dot placed so far
  for (const c of cameras) {
    const p = at.get(c.id);
    if (!p) continue;
    svg.push(
      `<circle cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="9" fill="#111111" stroke="#ffffff" stroke-width="2"/>`,
    );
    const l = await label(c.name === c.id ? c.id : `${c.name} (${c.id})`, 20);
    const spots = [
      { x: p.x + 14, y: p.y - l.h - 4 },
      { x: p.x + 14, y: p.y + 4 },
      { x: p.x - 14 - l.w, y: p.y - l.h - 4 },
      { x: p.x - 14 - l.w, y: p.y + 4 },
    ].map((s) => ({ x: clamp(s.x, 2, WIDTH - l.w - 2), y: clamp(s.y, 2, HEIGHT - l.h - 2), w: l.w, h: l.h }));
    const spot = spots.find((s) => !taken.some((t) => overlaps(s, t))) ?? spots[0]!;
    taken.push(spot);
    placed.push({ input: l.png, left: Math.round(spot.x), top: Math.round(spot.y) });
  }
  // scale bar, bottom left; north arrow, top right
  const km = scaleBarKm(pxPerKm, WIDTH - 2 * MARGIN);
  const bar = km * pxPerKm;
  const by = HEIGHT - 40;
  svg.push(
    `<path d="M40,${by - 8} L40,${by} L${(40 + bar).toFixed(1)},${by} L${(40 + bar).toFixed(1)},${by - 8}" fill="none" stroke="#111111" stroke-width="3"/>`,
    `<path d="M${WIDTH - 50},30 L${WIDTH - 62},62 L${WIDTH - 50},54 L${WIDTH - 38},62 z" fill="#111111"/>`,
  );
  texts.push(
    { text: `${km >= 1 ? km : km * 1000} ${km >= 1 ? 'km' : 'm'}`, x: 44 + bar, y: by - 26, px: 18 },
    { text: 'N', x: WIDTH - 50, y: 80, px: 20, centre: true },
  );
  svg.push(`</svg>`);
  const rendered = await Promise.all(texts.map(async (t) => ({ t, l: await label(t.text, t.px, t.colour) })));
  return sharp(Buffer.from(svg.join('')))
    .composite([
      ...placed,
      ...rendered.map(({ t, l }) => {
        const w = Math.min(l.w, WIDTH - 4);
        const h = Math.min(l.h, HEIGHT - 4);
        const left = Math.round(t.centre ? t.x - w / 2 : t.x);
        const top = Math.round(t.centre ? t.y - h / 2 : t.y);
        return {
          input: l.png,
          left: clamp(left, 2, WIDTH - w - 2),
          top: clamp(top, 2, HEIGHT - h - 2),
        };
      }),
    ])
    .png()
    .toBuffer();
}
