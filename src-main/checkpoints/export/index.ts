// Exports of a run (Hugging Face folder, safetensors with a name map, metrics as CSV or JSON, run bundle)
// and the import of a run bundle. Other folders import from here.
export { ExportError, type ExportErrorCode } from './errors.js';
export { exportRun, EXPORT_FORMATS, type ExportRequest, type ExportResult } from './export-run.js';
export { EXPORT_MARKER } from './output-path.js';
export { exportTarget, exportsDirFor, expandHome, type ExportOrigin } from './target-policy.js';
export { importBundle, type ImportResult } from './bundle/bundle-import.js';
export { BUNDLE_EXTENSION } from './bundle/bundle-export.js';
export { exportHuggingFace, hfArchitectureFor } from './hf-export.js';
export { exportSafetensors } from './safetensors-export.js';
export { exportMetricsCsv, exportMetricsJson } from './metrics-export.js';
export { exportBundle } from './bundle/bundle-export.js';
export { checkpointModel, type CheckpointModel } from './checkpoint-model.js';
export { hfTensors, type HfArchitecture, type HfTensor } from './hf-layouts.js';
export { metricsDocument, MetricsDocumentSchema, type MetricsDocument } from './metrics-document.js';
export {
  parseCheckpointSelector,
  readVerified,
  selectCheckpoint,
  type CheckpointSelector,
} from './source-checkpoint.js';
