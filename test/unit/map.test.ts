import { describe, expect, it } from 'vitest';
import { layoutMap, scaleBarKm } from '../../src/core/map.js';
import { distanceKm } from '../../src/core/trail.js';

describe('a map of cameras from their coordinates', () => {
  const cams = [
    { id: 'a', lat: 24.86, lon: 67.0 },
    { id: 'b', lat: 24.86 + 8 / 111.2, lon: 67.0 },
    { id: 'c', lat: 24.9, lon: 67.1 },
  ];
  it('puts north up and east right, inside the margins, one scale both ways', () => {
    const { at, pxPerKm } = layoutMap(cams, 1200, 800, 100);
    const [a, b, c] = ['a', 'b', 'c'].map((id) => at.get(id)!);
    expect(b!.y).toBeLessThan(a!.y); // b is north of a
    expect(c!.x).toBeGreaterThan(a!.x); // c is east of a
    for (const p of at.values()) {
      expect(p.x).toBeGreaterThanOrEqual(100 - 1e-6);
      expect(p.x).toBeLessThanOrEqual(1100 + 1e-6);
      expect(p.y).toBeGreaterThanOrEqual(100 - 1e-6);
      expect(p.y).toBeLessThanOrEqual(700 + 1e-6);
    }
    // pixel distances are true distances at the map's scale (within 1 % over 10 km)
    const km = distanceKm(cams[0]!.lat, cams[0]!.lon, cams[2]!.lat, cams[2]!.lon);
    expect(Math.hypot(c!.x - a!.x, c!.y - a!.y) / pxPerKm).toBeCloseTo(km, 1);
  });
  it('centres a single camera', () => {
    expect(layoutMap([cams[0]!], 1200, 800, 100).at.get('a')).toEqual({ x: 600, y: 400 });
  });
  it('picks a round scale bar', () => {
    expect(scaleBarKm(10, 1000)).toBe(20); // 1000 px / 5 / 10 px per km = 20 km
    expect(scaleBarKm(10, 700)).toBe(10);
    expect(scaleBarKm(1000, 1000)).toBe(0.2);
  });
});
