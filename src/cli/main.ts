import { Command, CommanderError } from 'commander';
import { environmentFault, SightlineError } from '../errors.js';
import { openExportContext } from '../store/export-context.js';
import { gitCommit, TOOL_VERSION } from '../version.js';
import { registerExport } from './export.js';
import { registerVerify } from './verify.js';
import { registerIndex } from './index-cmd.js';
import { safeText } from './output.js';
import { registerSearch } from './search.js';
import { registerStats } from './stats.js';
import { registerCameras } from './cameras.js';
import { registerTrail } from './trail.js';
import { registerFlags } from './flags.js';
import { registerConvoy } from './convoy.js';
import { registerWatch } from './watch.js';
import { registerReview } from './review.js';
import { registerWorker } from './worker.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('sightline')
    .description(
      'Forensic CCTV search: index faces and licence plates, find a person or vehicle, export evidence',
    )
    .version(TOOL_VERSION)
    .option('--debug', 'show stack traces of errors')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerIndex(program);
  registerSearch(program);
  registerExport(program, { openExportContext, toolVersion: TOOL_VERSION, gitCommit: gitCommit() });
  registerVerify(program);
  registerStats(program);
  registerCameras(program);
  registerTrail(program);
  registerFlags(program);
  registerConvoy(program);
  registerWatch(program);
  registerReview(program);
  registerWorker(program);
  return program;
}

/** Runs the CLI; returns the exit code (0 done, 1 partly failed, 2 nothing done). */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander already printed its message (or help/version)
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0)
        return 0;
      return 2;
    }
    if (e instanceof SightlineError) {
      process.stderr.write(`sightline: ${safeText(e.message)}\n`);
      if (debug) process.stderr.write(`${e.stack ?? ''}\n`);
      return e.exitCode;
    }
    const fault = environmentFault(e);
    if (fault) {
      process.stderr.write(`sightline: ${safeText(fault.message)}\n`);
      if (debug && e instanceof Error) process.stderr.write(`${e.stack ?? ''}\n`);
      return fault.exitCode;
    }
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`sightline: internal error: ${safeText(message)}\n`);
    process.stderr.write(
      debug && e instanceof Error
        ? `${e.stack ?? ''}\n`
        : 'run again with --debug for details, and report it\n',
    );
    return 3;
  }
}
