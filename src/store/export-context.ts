import type { ExportStoreContext, SourceRecord } from '../export/bundle.js';
import { AuditLog } from '../infra/audit-log.js';
import { readBuiltGraphs, readManifest } from '../ml/model-files.js';
import { Store } from './store.js';

/**
 * What `export` needs from a store: its sources as recorded at index time, the models and
 * settings they were indexed with, and its audit log. Opens the store read-only and closes it.
 */
export async function openExportContext(storeDir: string): Promise<ExportStoreContext> {
  const store = await Store.open(storeDir, { create: false });
  let sources;
  let cameras;
  try {
    sources = (await store.listSources()).filter((s) => s.status === 'complete');
    cameras = await store.cameraMap();
  } finally {
    store.close();
  }
  // keyed by content and path: copies of one file at two paths are two sources
  const records = new Map<string, SourceRecord>(
    sources.map((s) => [
      `${s.sha256}\u0000${s.path}`,
      {
        path: s.path,
        sha256: s.sha256,
        size: s.size,
        camera: s.camera,
        startTime: s.start_time,
        startTimeSource: s.start_time_source,
        duration: s.duration,
        fps: s.fps,
        width: s.width,
        height: s.height,
        codec: s.codec,
        rotation: s.rotation,
        firstPts: s.first_pts,
        indexedAt: s.indexed_at,
      },
    ]),
  );
  // Every distinct setting a source of this store was indexed with, with the pipeline version.
  const indexSettings = [
    ...new Set(
      sources.map((s) => JSON.stringify({ pipeline: s.pipeline_version, ...JSON.parse(s.settings) })),
    ),
  ].map((s) => JSON.parse(s) as unknown);
  const models = [
    ...(['faces', 'plates', 'vehicles'] as const).flatMap((group) =>
      readManifest(group).map((m) => ({
        id: m.id,
        package: m.package,
        file: m.file,
        sha256: m.sha256,
        provenance: m.licence,
        group,
      })),
    ),
    // graphs built from those weights at load time (their bytes' hash; the builder is ours)
    ...readBuiltGraphs().map((g) => ({
      id: g.id,
      package: 'sightline (built from ' + g.builtFrom.join(', ') + ')',
      file: g.builder,
      sha256: g.sha256,
      group: 'faces',
    })),
  ];
  return {
    lookupSource: (sha, path) =>
      Promise.resolve(
        records.get(`${sha}\u0000${path}`) ?? [...records.values()].find((r) => r.sha256 === sha),
      ),
    models,
    settings: { index: indexSettings.length === 1 ? indexSettings[0] : indexSettings },
    audit: AuditLog.forStore(storeDir),
    cameras,
  };
}
