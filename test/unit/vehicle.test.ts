import { describe, expect, it } from 'vitest';
import {
  colourName,
  decodeNanodet,
  lookArea,
  recentLook,
  settleVehicle,
  vehicleColour,
  vehicleOfPlate,
  type LookMemo,
  type VehicleDetection,
} from '../../src/core/vehicle.js';
import type { Box } from '../../src/core/types.js';

const det = (box: Box, type: VehicleDetection['type'], score: number): VehicleDetection => ({
  box,
  type,
  score,
  scores: { [type]: score },
});

describe('colour names', () => {
  it('names paint colours as a witness would', () => {
    expect(colourName(245, 245, 242)).toBe('white');
    expect(colourName(20, 22, 25)).toBe('black');
    expect(colourName(110, 112, 115)).toBe('grey');
    expect(colourName(175, 178, 182)).toBe('silver');
    expect(colourName(170, 30, 35)).toBe('red');
    expect(colourName(30, 60, 160)).toBe('blue');
    expect(colourName(40, 130, 50)).toBe('green');
    expect(colourName(230, 200, 30)).toBe('yellow');
    expect(colourName(230, 120, 20)).toBe('orange');
    expect(colourName(100, 60, 30)).toBe('brown');
  });
  it('does not call grey or silver paint with a blue cast (shade, sky, white balance) blue', () => {
    expect(colourName(140, 155, 180)).toBe('silver');
    expect(colourName(85, 95, 115)).toBe('grey');
    expect(colourName(25, 45, 110)).toBe('blue');
  });
});

describe('which vehicle carries a plate', () => {
  const plate: Box = [480, 400, 80, 20];
  it('takes the vehicle that holds the plate low in its box, not a neighbour', () => {
    const car = det([400, 250, 240, 200], 'car', 0.6);
    const neighbour = det([700, 250, 240, 200], 'truck', 0.9);
    expect(vehicleOfPlate(plate, [neighbour, car])).toBe(car);
  });
  it('refuses a vehicle whose top half holds the plate (a plate above a vehicle is on another)', () => {
    expect(vehicleOfPlate(plate, [det([400, 380, 240, 300], 'car', 0.8)])).toBeNull();
  });
  it('refuses a box narrower than the plate (a wheel, a part)', () => {
    expect(vehicleOfPlate(plate, [det([490, 300, 60, 130], 'motorcycle', 0.8)])).toBeNull();
  });
});

describe('nanodet decoding', () => {
  it('turns one confident cell and its side distributions into a box of the right type', () => {
    const input = 32;
    const stride = 8;
    const grid = input / stride;
    const classes = 80;
    const bins = 4;
    const cls = new Float32Array(grid * grid * classes);
    const reg = new Float32Array(grid * grid * 4 * bins).fill(-10);
    const cell = 1 * grid + 2; // row 1, column 2: centre (16, 8)
    cls[cell * classes + 3] = 0.8; // motorcycle
    cls[cell * classes + 2] = 0.3; // car, weaker
    // distances in bins: left 1, top 1, right 2, bottom 3 (times the stride)
    [1, 1, 2, 3].forEach((b, side) => (reg[cell * 4 * bins + side * bins + b] = 10));
    const out = decodeNanodet([{ stride, cls, reg, classes, bins }], input, 0.5);
    expect(out).toHaveLength(1);
    expect(out[0]?.type).toBe('motorcycle');
    const [x, y, w, h] = out[0]!.box;
    expect(x).toBeCloseTo(8, 0);
    expect(y).toBeCloseTo(0, 0);
    expect(w).toBeCloseTo(24, 0);
    expect(h).toBeCloseTo(32, 0);
  });
});

describe('settling a track vehicle', () => {
  it('takes the type most looks agree on, weighted by score, and states how sure', () => {
    const v = settleVehicle([
      { type: 'car', score: 0.6, colour: 'blue', colourShare: 0.5 },
      { type: 'car', score: 0.5, colour: 'blue', colourShare: 0.4 },
      { type: 'truck', score: 0.4, colour: 'grey', colourShare: 0.6 },
    ]);
    expect(v?.type).toBe('car');
    expect(v?.colour).toBe('blue');
    expect(v?.confidence).toBeGreaterThan(0.3);
    expect(v?.confidence).toBeLessThan(0.55);
    expect(v?.looks).toBe(3);
  });
  it('says nothing without a look', () => {
    expect(settleVehicle([])).toBeNull();
  });
});

/** An RGB image whose pixel (x, y) has the colour `at` gives. */
function paint(width: number, height: number, at: (x: number, y: number) => number[]) {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const [r = 0, g = 0, b = 0] = at(x, y);
      const o = (y * width + x) * 3;
      data[o] = r;
      data[o + 1] = g;
      data[o + 2] = b;
    }
  return { data, width, height };
}

describe('the body colour of a vehicle', () => {
  it('comes from the paint above the plate, not the plate or the road', () => {
    const img = paint(200, 200, (x, y) => {
      const plate = x >= 70 && x < 130 && y >= 120 && y < 140;
      return plate ? [240, 220, 20] : y < 150 ? [160, 25, 30] : [90, 90, 90];
    });
    const c = vehicleColour(img, [0, 0, 200, 200], [70, 120, 60, 20]);
    expect(c?.colour).toBe('red');
    expect(c?.share).toBeGreaterThan(0.9);
  });
});

describe('the colour of paint among glass, grille and reflected sky', () => {
  it('is the hue that shows in a fair part of the body, though grey and black hold more', () => {
    // bands across the body: reflected sky (grey), paint (dark blue), grille (black)
    const img = paint(100, 100, (_x, y) =>
      y < 70 ? [120, 122, 126] : y < 85 ? [25, 40, 100] : [15, 15, 18],
    );
    const c = vehicleColour(img, [0, 0, 100, 100], [40, 96, 20, 4]);
    expect(c?.colour).toBe('blue');
    expect(c?.share).toBeLessThan(0.5);
  });
});

describe('when to look at a vehicle', () => {
  it('sees around a plate, mostly above it, inside the frame', () => {
    const a = lookArea([600, 500, 60, 20], 1280, 720);
    expect(a[2]).toBe(480);
    expect(a[0]).toBeLessThanOrEqual(600);
    expect(a[0] + a[2]).toBeGreaterThanOrEqual(660);
    expect(a[1] + a[3]).toBeLessThanOrEqual(720);
    expect(a[1]).toBeGreaterThanOrEqual(0);
  });
  it('looks once at a plate that stays, again after LOOK_AGAIN_SECONDS, and at once at another place', () => {
    const memos: LookMemo[] = [];
    const box: Box = [100, 100, 60, 20];
    expect(recentLook(memos, box, 0)).toBeNull();
    memos.push({ offset: 0, box });
    expect(recentLook(memos, [110, 102, 60, 20], 1)).not.toBeNull();
    expect(recentLook(memos, [600, 100, 60, 20], 1)).toBeNull();
    expect(recentLook(memos, box, 4)).toBeNull();
  });
});
