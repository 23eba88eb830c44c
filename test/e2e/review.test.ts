import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Buffer } from '../../src/infra/hash.js';
import { ROOT, sightline } from '../helpers/cli.js';
import { fixturePath } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp.js';

const CHROMIUM = '/usr/bin/chromium';

describe('sightline review: the examiner accepts or rejects each sighting', () => {
  it.skipIf(!existsSync(CHROMIUM))(
    'serves a token-guarded page on 127.0.0.1, takes keyboard decisions, writes a new file; export keeps the accepted',
    async () => {
      const root = tempDir();
      const store = join(root, 'store');
      expect(
        (
          await sightline([
            'index',
            fixturePath('cam-street/ch01_20230801110500.mp4'),
            '--store',
            store,
            '--no-faces',
          ])
        ).code,
      ).toBe(0);
      const search = await sightline(['search', 'plate', 'LE21ABC', 'KX68TYP', '--store', store, '--json']);
      const results = join(root, 'results.json');
      writeFileSync(results, search.stdout);
      const originalSha = sha256Buffer(readFileSync(results));
      const n = (JSON.parse(search.stdout) as { results: unknown[] }).results.length;
      expect(n).toBeGreaterThanOrEqual(2);

      const child = spawn(
        process.execPath,
        [join(ROOT, 'bin', 'sightline.js'), 'review', results, '--examiner', 'A. Examiner'],
        {
          cwd: ROOT,
          env: { ...process.env, NO_COLOR: '1' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const exited = new Promise<number | null>((r) => child.on('close', r));
      for (let i = 0; i < 100 && !/token=/.test(stdout); i++) await new Promise((r) => setTimeout(r, 100));
      const url = /(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(stdout)![1]!;

      // without the token, nothing
      expect((await fetch(url.replace(/token=\S+/, 'token=guess'))).status).toBe(403);
      expect((await fetch(url.replace(/\?token=\S+/, ''))).status).toBe(403);

      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu'],
      });
      try {
        const page = await browser.newPage();
        const outside: string[] = [];
        const errors: string[] = [];
        page.on('request', (r) => {
          if (!r.url().startsWith('http://127.0.0.1')) outside.push(r.url());
        });
        page.on('pageerror', (e) => errors.push(e.message));
        page.on('console', (m) => {
          if (m.type() === 'error') errors.push(m.text());
        });
        await page.goto(url);
        await page.waitForSelector('body[data-ready="true"]');
        // the first sighting's crop, frame and strip, cut from the original footage
        const loaded = (): Promise<boolean> =>
          page
            .locator('.card')
            .first()
            .locator('img')
            .evaluateAll((imgs) =>
              imgs.every((i) => {
                const img = i as unknown as { complete: boolean; naturalWidth: number };
                return img.complete && img.naturalWidth > 0;
              }),
            );
        for (let i = 0; i < 600 && !(await loaded()); i++) await new Promise((r) => setTimeout(r, 100));
        expect(await loaded()).toBe(true);
        expect(await page.locator('.card').count()).toBe(n);
        await page.keyboard.press('a');
        await page.keyboard.press('j');
        await page.keyboard.press('r');
        await page.keyboard.press('n');
        await page.keyboard.type('another vehicle');
        await page.keyboard.press('Escape');
        await page.keyboard.press('s');
        await page.locator('#saved', { hasText: 'saved' }).waitFor();
        expect(outside).toEqual([]);
        expect(errors).toEqual([]);
      } finally {
        await browser.close();
      }
      child.kill('SIGINT');
      expect(await exited).toBe(0);

      const reviewedPath = join(root, 'results.reviewed.json');
      const reviewed = JSON.parse(readFileSync(reviewedPath, 'utf8')) as {
        review: { examiner: string; accepted: number; rejected: number };
        results: Array<{ review: { decision: string; note?: string } }>;
      };
      expect(reviewed.review).toMatchObject({ examiner: 'A. Examiner', accepted: 1, rejected: 1 });
      expect(reviewed.results.map((r) => r.review.decision).slice(0, 2)).toEqual(['accepted', 'rejected']);
      expect(reviewed.results[1]!.review.note).toBe('another vehicle');
      expect(sha256Buffer(readFileSync(results))).toBe(originalSha); // the original is untouched
      expect(readFileSync(join(store, 'audit.log'), 'utf8')).toMatch(
        /"action":"review".*"examiner":"A. Examiner"/,
      );

      const out = join(root, 'bundle');
      const exp = await sightline(['export', reviewedPath, '--out', out]);
      expect(exp.code).toBe(0);
      expect(exp.stdout).toMatch(/: 1 sightings,/);
      expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(
        /Reviewed by A\. Examiner on .*: 1 sighting accepted \(below\); 1 rejected and \d+ not reviewed/,
      );
    },
  );
});
