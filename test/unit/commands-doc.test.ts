import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandsMarkdown } from '../../src/cli/help-doc.js';
import { buildProgram } from '../../src/cli/main.js';
import { PROJECT_ROOT } from '../../src/version.js';

describe('docs/commands.md', () => {
  it('matches the CLI (run `npm run docs` after changing a command)', () => {
    process.stdout.columns = 100;
    const doc = readFileSync(join(PROJECT_ROOT, 'docs', 'commands.md'), 'utf8');
    expect(doc).toBe(commandsMarkdown(buildProgram()));
  });

  it('documents every command of the contract', () => {
    const doc = readFileSync(join(PROJECT_ROOT, 'docs', 'commands.md'), 'utf8');
    for (const cmd of ['index', 'search face', 'search plate', 'export', 'verify', 'stats']) {
      expect(doc).toContain(`## sightline ${cmd}`);
    }
  });
});
