/** Recognises video containers by their first bytes, so files are found by content, not only extension. */

export const VIDEO_EXTENSIONS = new Set([
  'mp4',
  'm4v',
  'mov',
  'mkv',
  'webm',
  'avi',
  'ts',
  'mts',
  'm2ts',
  'mpg',
  'mpeg',
  'vob',
  'flv',
  'wmv',
  'asf',
  '3gp',
  'h264',
  '264',
  'h265',
  '265',
  'hevc',
  'dav',
  'ogv',
  'mxf',
]);

/** Container name when the head looks like a video container, else null. */
export function sniffContainer(head: Uint8Array): string | null {
  const at = (i: number): number => head[i] ?? -1;
  const ascii = (from: number, len: number): string =>
    String.fromCharCode(...Array.from(head.subarray(from, from + len)));
  if (head.length >= 12 && ['ftyp', 'moov', 'mdat', 'free', 'wide'].includes(ascii(4, 4))) return 'mp4/mov';
  if (at(0) === 0x1a && at(1) === 0x45 && at(2) === 0xdf && at(3) === 0xa3) return 'matroska/webm';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 3) === 'AVI') return 'avi';
  if (at(0) === 0x47 && (head.length < 189 || at(188) === 0x47)) return 'mpegts';
  if (at(0) === 0x00 && at(1) === 0x00 && at(2) === 0x01 && at(3) === 0xba) return 'mpeg-ps';
  if (ascii(0, 3) === 'FLV') return 'flv';
  if (at(0) === 0x30 && at(1) === 0x26 && at(2) === 0xb2 && at(3) === 0x75) return 'asf/wmv';
  if (ascii(0, 4) === 'OggS') return 'ogg';
  if (at(0) === 0x00 && at(1) === 0x00 && ((at(2) === 0x00 && at(3) === 0x01) || at(2) === 0x01))
    return 'h264/h265';
  return null;
}

export function extensionOf(name: string): string {
  const i = name.lastIndexOf('.');
  return i < 0 ? '' : name.slice(i + 1).toLowerCase();
}
