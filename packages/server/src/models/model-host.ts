import type { ModelProvider } from '@groundwork/runtime';
import { type LoadedModelInfo, listModels, type ModelSummary, type OnnxEngine } from '@groundwork/runtime/models';

export interface ModelListing extends ModelSummary {
  /** Set once the model is loaded: the execution provider it runs on and why others were passed over. */
  loaded?: Pick<LoadedModelInfo, 'provider' | 'providerReasons' | 'dtype' | 'graphChanges'>;
}

/** The models the server runs flows and chat completions with. */
export interface ModelHost {
  /** What runs and the OpenAI-compatible endpoint ask for models. */
  readonly provider: ModelProvider;
  /** The device setting (auto, cpu, webgpu, cuda). */
  readonly device: string;
  list(): Promise<ModelListing[]>;
  close(): Promise<void>;
}

/** The ONNX engine as the server's models: every folder in the search paths, marked with its provider once loaded. */
export function onnxModelHost(engine: OnnxEngine, searchPaths: readonly string[], device: string): ModelHost {
  return {
    provider: engine,
    device,
    async list() {
      const loaded = await engine.loaded();
      return listModels(searchPaths).map((model) => {
        const info = loaded.find((candidate) => candidate.path === model.path);
        return info
          ? {
              ...model,
              loaded: {
                provider: info.provider,
                providerReasons: info.providerReasons,
                dtype: info.dtype,
                graphChanges: info.graphChanges,
              },
            }
          : model;
      });
    },
    close: () => engine.close(),
  };
}
