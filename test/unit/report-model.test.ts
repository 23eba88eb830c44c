import { describe, expect, it } from 'vitest';
import { type ListItem, markdownBlocks, plainRuns, type Run } from '../../src/export/markdown.js';
import { modelsUsed } from '../../src/export/report-data.js';
import { localTime, utcTime } from '../../src/export/report-model.js';

describe('report building blocks', () => {
  it("gives a sighting's time in its camera's zone and in UTC", () => {
    expect(localTime('2026-11-20T08:00:05.000Z', 'Asia/Karachi')).toBe(
      '2026-11-20 13:00:05 (Asia/Karachi, GMT+5)',
    );
    expect(localTime('2026-11-20T08:00:05.000Z', null)).toBe('camera not in the register');
    expect(utcTime('2026-11-20T08:00:05.250Z')).toBe('2026-11-20 08:00:05 UTC');
  });

  it('lists only the models the results depend on', () => {
    const m = (id: string, group: string) => ({ id, group, package: 'p', file: 'f', sha256: 'a'.repeat(64) });
    const models = [
      m('face-api/ssd_mobilenetv1', 'faces'),
      m('face-api/ssd_mobilenetv1@onnx-int8', 'faces'),
      m('face-api/face_landmark_68#manifest', 'faces'),
      m('face-api/face_recognition', 'faces'),
      m('faceplugin/mobilefacenet-512', 'faces'),
      m('paddleocr/PP-OCRv4/rec', 'plates'),
      m('human-models/nanodet', 'vehicles'),
    ];
    const face = (model: string) => ({
      query: { kind: 'face' as const, model },
      results: [],
    });
    expect(
      modelsUsed(models, face('face-api/ssd_mobilenetv1@int8+faceplugin/mobilefacenet-512')).map((x) => x.id),
    ).toEqual([
      'face-api/ssd_mobilenetv1',
      'face-api/ssd_mobilenetv1@onnx-int8',
      'face-api/face_landmark_68#manifest',
      'faceplugin/mobilefacenet-512',
    ]);
    const plate = {
      query: { kind: 'plate' as const },
      results: [{ kind: 'plate' as const, vehicle: { type: 'car', colour: null, confidence: 0.5 } }],
    } as unknown as Parameters<typeof modelsUsed>[1];
    expect(modelsUsed(models, plate).map((x) => x.id)).toEqual([
      'paddleocr/PP-OCRv4/rec',
      'human-models/nanodet',
    ]);
  });

  it('reads Markdown into headings, paragraphs, nested lists and tables, with no syntax left', () => {
    const blocks = markdownBlocks(
      '## Plates (**v4**)\n\nSome `code`\nand **bold** [link](x).\n\n- one\n  - nested\n- two\n\n| a | b |\n|---|---|\n| 1 | **2** |\n',
    );
    expect(blocks.map((b) => b.kind)).toEqual(['heading', 'para', 'list', 'table']);
    expect(plainRuns((blocks[0] as { runs: Run[] }).runs)).toBe('Plates (v4)');
    expect((blocks[1] as { runs: unknown }).runs).toEqual([
      { text: 'Some ' },
      { text: 'code', code: true },
      { text: ' and ' },
      { text: 'bold', bold: true },
      { text: ' link.' },
    ]);
    const list = blocks[2] as { items: ListItem[] };
    expect(list.items.map((i) => [i.depth, plainRuns(i.runs)])).toEqual([
      [0, 'one'],
      [1, 'nested'],
      [0, 'two'],
    ]);
    const table = blocks[3] as { head: Run[][]; rows: Run[][][] };
    expect(table.head.map(plainRuns)).toEqual(['a', 'b']);
    expect(table.rows[0]!.map(plainRuns)).toEqual(['1', '2']);
  });
});
