export { DatasetError, type DatasetProblem, MAX_DATASET_PROBLEMS } from './dataset-error.js';
export {
  DATASET_CONTENT_TYPES,
  DATASET_FORMATS,
  type DatasetFormat,
  detectFormat,
  type ParsedDataset,
  parseDataset,
} from './parse-dataset.js';
export type { DatasetRow } from './parse-json.js';
