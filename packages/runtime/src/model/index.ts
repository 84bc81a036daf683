// Node-only: the ONNX engine and model folders. Kept out of the package's main entry so that importing the
// runtime does not load ONNX Runtime's native library.
export * from './backend.js';
export * from './embedding/index.js';
export * from './folder/index.js';
export * from './hub/index.js';
export * from './nli/index.js';
export {
  type DeviceRequest,
  describeLoadedModel,
  describeProviderChoice,
  type Provider,
  type ProviderChoice,
  parseDeviceRequest,
} from './onnx/device.js';
export { ModelLoadError, type ModelLoadProblem } from './onnx/model-load-error.js';
export { OnnxEngine, type OnnxEngineOptions, OnnxModel } from './onnx/onnx-engine.js';
export type { LoadedModelInfo } from './onnx/protocol.js';
export * from './synth/index.js';
