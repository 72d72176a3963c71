// File import: OTLP JSON / JSON lines, Jaeger JSON and Zipkin v2 JSON to normalized batches.
export {
  type ImportChunk,
  type ImportFormat,
  type ImportOptions,
  type ImportProblem,
  type ImportProgress,
  DEFAULT_CHUNK_ITEMS,
  detectFormat,
  importBuffer,
  importFile,
} from './importer';
export { type ImportFileSummary, type ImportFilesOptions, type ImportSubmit, importFiles } from './import-files';
