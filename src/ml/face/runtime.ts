/**
 * Loads face-api on the fastest TensorFlow.js backend this machine has: tfjs-node(-gpu) where it
 * is installed, else WebAssembly with SIMD (the pure-JS CPU backend is ~40x slower and is never
 * chosen silently). Weights are read from the installed npm package and checked against
 * models/faces.json; nothing is fetched from the network.
 */
import { createRequire } from 'node:module';
import type * as FaceApi from '@vladmandic/face-api/dist/face-api.node-wasm.js';
import type * as TfApi from '@tensorflow/tfjs';
import { InternalError } from '../../errors.js';
import { loadVerified, packageFile, readManifest, type ModelFile } from '../model-files.js';

export type FaceApiModule = typeof FaceApi;
/** face-api's bundled typings declare only part of tfjs; the object it holds is the whole library. */
export type Tf = typeof TfApi & { setWasmPaths?: (prefix: string) => void };

const require = createRequire(import.meta.url);

export interface FaceRuntime {
  faceapi: FaceApiModule;
  tf: Tf;
  /** 'tensorflow' (tfjs-node), 'wasm', or whatever tfjs reports. */
  backend: string;
}

/** Where the face nets run: 'cpu' never loads a GPU build; 'gpu' insists on tfjs-node-gpu. */
export type FaceDevice = 'auto' | 'cpu' | 'gpu';

let runtime: Promise<FaceRuntime> | undefined;
let runtimeDevice: FaceDevice | undefined;

function resolvable(pkg: string): boolean {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

async function initRuntime(device: FaceDevice): Promise<FaceRuntime> {
  const forced = process.env.SIGHTLINE_TF_BACKEND; // 'wasm' to skip tfjs-node (tests, comparisons)
  if (device === 'gpu' && !resolvable('@tensorflow/tfjs-node-gpu')) {
    throw new InternalError('--device gpu: @tensorflow/tfjs-node-gpu is not installed');
  }
  if (forced !== 'wasm' || device === 'gpu') {
    for (const [pkg, build] of [
      ['@tensorflow/tfjs-node-gpu', 'face-api.node-gpu.js'],
      ['@tensorflow/tfjs-node', 'face-api.node.js'],
    ] as const) {
      if (device === 'cpu' && pkg === '@tensorflow/tfjs-node-gpu') continue;
      if (device === 'gpu' && pkg !== '@tensorflow/tfjs-node-gpu') continue;
      if (!resolvable(pkg)) continue;
      try {
        const faceapi = require(`@vladmandic/face-api/dist/${build}`) as FaceApiModule;
        const tf = faceapi.tf as unknown as Tf;
        await tf.ready();
        return { faceapi, tf, backend: tf.getBackend() };
      } catch {
        // a native build that fails to load (wrong CUDA, missing .node) falls through to wasm
        if (device === 'gpu') throw new InternalError('--device gpu: tfjs-node-gpu failed to load');
      }
    }
  }
  const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApiModule;
  const tf = faceapi.tf as unknown as Tf;
  if (typeof tf.setWasmPaths !== 'function')
    throw new InternalError('face-api wasm build lacks setWasmPaths');
  // a local directory prefix: the .wasm binaries are read from node_modules, never a CDN
  tf.setWasmPaths(packageFile('@tensorflow/tfjs-backend-wasm', 'dist') + '/');
  const ok = await tf.setBackend('wasm');
  if (!ok) throw new InternalError('could not start the TensorFlow.js wasm backend');
  await tf.ready();
  return { faceapi, tf, backend: tf.getBackend() };
}

/**
 * The process-wide face-api runtime (tfjs has one global engine, so this is shared). The first
 * caller's device decides; later callers get that runtime whatever they ask ('auto' by default
 * keeps the historical order: tfjs-node-gpu, tfjs-node, wasm).
 */
export function getFaceRuntime(device: FaceDevice = 'auto'): Promise<FaceRuntime> {
  if (runtime && runtimeDevice !== device && device === 'gpu') {
    return runtime.then((rt) => {
      if (!rt.backend.includes('tensorflow') || !resolvable('@tensorflow/tfjs-node-gpu'))
        throw new InternalError(`--device gpu: face runtime already started on ${rt.backend}`);
      return rt;
    });
  }
  runtimeDevice ??= device;
  runtime ??= initRuntime(device).catch((err: unknown) => {
    runtime = undefined;
    runtimeDevice = undefined;
    throw err;
  });
  return runtime;
}

/** Manifest entries of models/faces.json by id. */
export function faceModel(id: string): ModelFile {
  const m = readManifest('faces').find((e) => e.id === id);
  if (!m) throw new InternalError(`models/faces.json has no entry '${id}'`);
  return m;
}

interface WeightsManifestGroup {
  paths: string[];
  weights: Parameters<Tf['io']['decodeWeights']>[1];
}

/**
 * Decodes a tfjs weights manifest + .bin pair, both hash-checked, into a name → tensor map.
 * `id` names the .bin entry; its manifest is the entry `${id}#manifest`.
 */
export function loadWeightMap(tf: Tf, id: string): TfApi.NamedTensorMap {
  const manifest = JSON.parse(
    loadVerified(faceModel(`${id}#manifest`)).toString('utf8'),
  ) as WeightsManifestGroup[];
  const bin = loadVerified(faceModel(id));
  const specs = manifest.flatMap((g) => g.weights);
  const ab = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer;
  return tf.io.decodeWeights(ab, specs);
}
