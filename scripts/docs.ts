/** `npm run docs`: regenerates docs/commands.md from the CLI definition. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandsMarkdown } from '../src/cli/help-doc.js';
import { buildProgram } from '../src/cli/main.js';
import { PROJECT_ROOT } from '../src/version.js';

process.stdout.columns = 100;
writeFileSync(join(PROJECT_ROOT, 'docs', 'commands.md'), commandsMarkdown(buildProgram()));
process.stdout.write('docs/commands.md written\n');
