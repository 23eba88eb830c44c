import { resultsStore } from './common.js';
import { readFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { plainText } from '../core/escape.js';
import { InputError, PartialFailure, UsageError } from '../errors.js';
import { sha256Buffer } from '../infra/hash.js';
import { privateKeyFromPem } from '../infra/signing.js';
import { acceptedOnly } from '../review/decisions.js';
import { createPlateReader } from '../detect/plates.js';
import { createFaceAnalyzer } from '../ml/face/index.js';
import { type Redactor, createRedactor } from '../export/redact.js';
import {
  EXPORT_FORMATS,
  type ExportFormat,
  type ExportStoreContext,
  exportBundle,
} from '../export/bundle.js';
import { parseSearchDocumentText } from '../export/schema.js';

export interface ExportCommandContext {
  /** Opens the store read-only for export (sources, models, settings) with its audit log. */
  openExportContext(storeDir: string): Promise<ExportStoreContext>;
  toolVersion: string;
  gitCommit: string | null;
  /** Where the summary goes (default stdout). */
  print?: (line: string) => void;
}

export function parseFormats(value: string): ExportFormat[] {
  const formats = value
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s.length > 0);
  for (const f of formats) {
    if (!(EXPORT_FORMATS as readonly string[]).includes(f)) {
      throw new UsageError(`--format ${plainText(f)} is unknown: use any of ${EXPORT_FORMATS.join(',')}`);
    }
  }
  return formats.length > 0 ? [...new Set(formats as ExportFormat[])] : [...EXPORT_FORMATS];
}

interface ExportOptions {
  out: string;
  case?: string;
  examiner?: string;
  format: string;
  store?: string;
  sign?: string;
  redact?: boolean;
}

export function registerExport(program: Command, ctx: ExportCommandContext): Command {
  return program
    .command('export')
    .description('write a court-ready evidence bundle from a `search … --json` results file')
    .argument('<results.json>', 'a file written by `sightline search … --json`')
    .requiredOption('--out <dir>', 'the bundle folder to create (must not exist or be empty)')
    .option('--case <id>', 'case identifier')
    .option('--examiner <name>', 'examiner name')
    .option('--format <list>', 'any of pdf,html,csv,json', EXPORT_FORMATS.join(','))
    .option(
      '--redact',
      "blur every face but the subject's (and, for plate results, every plate but the subject's) in every image",
    )
    .option(
      '--sign <private-key.pem>',
      "sign the bundle's seal (manifest and reports) with the examiner's Ed25519 key (openssl genpkey -algorithm ed25519)",
    )
    .addOption(
      new Option(
        '--store <dir>',
        'the LanceDB store (default: the one the results file was searched in, else ./sightline-store)',
      ).env('SIGHTLINE_STORE'),
    )
    .action(async (resultsPath: string, opts: ExportOptions) => {
      const print = ctx.print ?? ((line: string) => process.stdout.write(`${line}\n`));
      const formats = parseFormats(opts.format);
      const signingKey =
        opts.sign === undefined
          ? undefined
          : privateKeyFromPem(await readKey(opts.sign), plainText(opts.sign));
      let bytes: Buffer;
      try {
        bytes = await readFile(resultsPath);
      } catch (err) {
        throw new InputError(
          `cannot read ${plainText(resultsPath)}: ${(err as NodeJS.ErrnoException).code ?? 'error'}; give the file 'sightline search … --json' wrote`,
        );
      }
      // a reviewed file: only the sightings the examiner accepted become evidence
      const doc = acceptedOnly(parseSearchDocumentText(bytes.toString('utf8'), plainText(resultsPath)));
      const store = await ctx.openExportContext(resultsStore(opts.store, doc));
      const t0 = Date.now();
      const redactor = opts.redact ? await lenientRedactor() : undefined;
      const outcome = await exportBundle({
        ...(redactor ? { redactor } : {}),
        ...store,
        doc,
        out: opts.out,
        caseId: opts.case,
        examiner: opts.examiner,
        formats,
        toolVersion: ctx.toolVersion,
        gitCommit: ctx.gitCommit,
        resultsFile: { path: resultsPath, sha256: sha256Buffer(bytes) },
        ...(signingKey ? { signingKey } : {}),
      }).finally(() => redactor?.dispose());
      print(
        plainText(
          `bundle ${outcome.out}: ${doc.results.length} sightings, ${outcome.files.length} files, manifest sha256 ${outcome.manifestSha256} (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
        ),
      );
      if (outcome.signedBy) print(`signed by ${outcome.signedBy}`);
      for (const p of outcome.problems) process.stderr.write(`${plainText(p)}\n`);
      if (outcome.altered.length > 0 || outcome.problems.length > 0) {
        throw new PartialFailure(
          outcome.altered.length > 0
            ? `exported, but ${outcome.altered.length} source(s) changed or missing since indexing: marked ALTERED in the bundle`
            : `exported, but ${outcome.problems.length} problem(s): see above and the report`,
        );
      }
    });
}

/** A key file's text; one clear line when it cannot be read. */
export async function readKey(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new InputError(
      `cannot read key ${plainText(path)}: ${(err as NodeJS.ErrnoException).code ?? 'error'}; give a PEM key file`,
    );
  }
}

/**
 * The detectors of `--redact`, lenient: faces from 12 px at SSD score 0.2 with no second opinion
 * and no pose or sharpness filter (a bystander the index skipped must still be found).
 */
async function lenientRedactor(): Promise<Redactor> {
  const faces = await createFaceAnalyzer({
    minScore: 0.2,
    minFaceSize: 12,
    minSharpness: 0,
    minAspect: 0.3,
    maxFacesPerFrame: 64,
    verifier: null,
  });
  return createRedactor(faces, () => createPlateReader());
}
