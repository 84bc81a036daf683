export type { FusedGraphOptions } from './fused-graph.js';
export {
  isSynthShapeName,
  parameterCount,
  SYNTH_SHAPES,
  type SynthShape,
  type SynthShapeName,
} from './synth-shapes.js';
export type { WeightDtype } from './synth-weights.js';
export {
  type SynthesizedModel,
  type SynthesizeOptions,
  type SynthGraph,
  SynthOptionError,
  synthesizeModel,
} from './synthesize.js';
