/**
 * Whether this CPU runs onnxruntime's uint8 x int8 convolutions exactly. On x86 without VNNI
 * (most AVX2 laptops), its kernels add pairs of uint8 x int8 products in 16 bits (vpmaddubsw) and
 * saturate where 255 * 127 * 2 overflows: results would differ from the ones tested here (an AVX-512
 * VNNI machine). With VNNI (AVX-512 VNNI, AVX-VNNI, AMX) and on 64-bit ARM the sums are 32-bit.
 * `SIGHTLINE_FACE_INT8=1|0` overrides the check.
 */
import { readFileSync } from 'node:fs';

let cached: boolean | undefined;

export function int8Exact(): boolean {
  const env = process.env.SIGHTLINE_FACE_INT8;
  if (env === '1' || env === '0') return env === '1';
  if (cached !== undefined) return cached;
  cached = detect();
  return cached;
}

function detect(): boolean {
  if (process.arch === 'arm64') return true;
  if (process.arch !== 'x64' || process.platform !== 'linux') return false;
  try {
    const flags = /^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '';
    return /\b(avx512_vnni|avx_vnni|amx_int8)\b/.test(flags);
  } catch {
    return false;
  }
}
