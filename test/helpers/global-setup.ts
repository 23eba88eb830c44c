import { ensureFixtures } from './fixtures.js';

// Builds the test footage once (or finds it cached) before any test file runs.
export default async function setup(): Promise<void> {
  await ensureFixtures();
}
