export {
  isMetricName,
  METRIC_NAMES,
  METRICS,
  type MetricField,
  type MetricInfo,
  scoreTextMetric,
  TEXT_METRICS,
  type TextMetricFields,
} from './metric-registry.js';
export { contains, exactMatch, normalizeAnswer, relevance, similarity } from './text-metrics.js';
