export { type EmbeddingFolder, EmbeddingModelError, readEmbeddingFolder } from './embedding-folder.js';
export {
  type EmbeddingModel,
  type LoadEmbeddingOptions,
  loadEmbeddingModel,
  OnnxEmbeddingModel,
} from './embedding-model.js';
