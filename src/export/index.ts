export {
  EXPORT_FORMATS,
  type ExportFormat,
  type ExportInputs,
  type ExportOutcome,
  type ExportStoreContext,
  type SourceRecord,
  exportBundle,
} from './bundle.js';
export type { ModelRecord } from './report-data.js';
export { BUNDLE_FORMAT, type Manifest } from './manifest.js';
export { parseSearchDocument, parseSearchDocumentText } from './schema.js';
export { verifyBundle } from './verify.js';
