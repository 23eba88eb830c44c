/** Test footage: where it lives, how to make sure it exists, and its ground truth. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureGenerated, GENERATED_DIR } from '../../fixtures/lib/ensure.js';
import type { ClipTruth, FixtureIndex } from '../../fixtures/lib/truth.js';

export type {
  ClipTruth,
  FixtureIndex,
  FixtureIndexEntry,
  TruthBox,
  TruthFrameBox,
  TruthInterval,
  TruthObject,
} from '../../fixtures/lib/truth.js';

/** Absolute path of fixtures/generated/. */
export const FIXTURES_DIR: string = GENERATED_DIR;

/**
 * Generates the fixture set unless it is already current (a stamp holds the generator's hash).
 * Several processes may call this at once: a lock directory lets one generate while the rest wait.
 */
export async function ensureFixtures(): Promise<void> {
  await ensureGenerated();
}

/** Absolute path of a fixture, e.g. fixturePath('cam-lobby/2023-08-01_11-00-00.mp4'). */
export function fixturePath(rel: string): string {
  return join(FIXTURES_DIR, rel);
}

/** Ground truth of a clip: pass the clip's path (or its .truth.json path) relative to FIXTURES_DIR. */
export async function loadTruth(rel: string): Promise<ClipTruth> {
  const truthRel = rel.endsWith('.truth.json') ? rel : rel.replace(/\.[^./]+$/, '.truth.json');
  return JSON.parse(await readFile(fixturePath(truthRel), 'utf8')) as ClipTruth;
}

/** The list of every generated clip, broken input and query photo. */
export async function loadIndex(): Promise<FixtureIndex> {
  return JSON.parse(await readFile(fixturePath('index.json'), 'utf8')) as FixtureIndex;
}
