export {
  OnnxPairClassifier,
  type PairClassifier,
  type PremiseHypothesis,
} from './nli-classifier.js';
export { type NliFolder, NliModelError, readNliFolder } from './nli-folder.js';
export { type LoadedNliScorer, type LoadNliOptions, loadNliScorer, NLI_THRESHOLD, NliScorer } from './nli-scorer.js';
