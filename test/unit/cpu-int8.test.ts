import { afterEach, describe, expect, it } from 'vitest';
import { int8Exact } from '../../src/ml/onnx/cpu.js';

describe('int8Exact (which face SSD graph video frames use)', () => {
  const saved = process.env.SIGHTLINE_FACE_INT8;
  afterEach(() => {
    if (saved === undefined) delete process.env.SIGHTLINE_FACE_INT8;
    else process.env.SIGHTLINE_FACE_INT8 = saved;
  });

  it('SIGHTLINE_FACE_INT8 forces the choice either way', () => {
    process.env.SIGHTLINE_FACE_INT8 = '0';
    expect(int8Exact()).toBe(false);
    process.env.SIGHTLINE_FACE_INT8 = '1';
    expect(int8Exact()).toBe(true);
  });

  it('without it, follows the CPU: 64-bit ARM, or x86 with VNNI in /proc/cpuinfo', async () => {
    delete process.env.SIGHTLINE_FACE_INT8;
    const { readFileSync } = await import('node:fs');
    let vnni = false;
    try {
      vnni = /\b(avx512_vnni|avx_vnni|amx_int8)\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));
    } catch {
      vnni = false;
    }
    const want = process.arch === 'arm64' || (process.arch === 'x64' && process.platform === 'linux' && vnni);
    expect(int8Exact()).toBe(want);
  });
});
