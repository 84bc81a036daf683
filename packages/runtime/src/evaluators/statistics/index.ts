export {
  type BootstrapOptions,
  bootstrapMean,
  DEFAULT_BOOTSTRAP_SAMPLES,
  DEFAULT_BOOTSTRAP_SEED,
  type MeanInterval,
  percentile,
} from './bootstrap.js';
export { type PairedComparison, type PairedComparisonOptions, pairedComparison } from './paired-comparison.js';
export { mulberry32 } from './random.js';
