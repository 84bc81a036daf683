import type { GenerateRequest, GenerateResult } from '../backend.js';
import type { ModelArchitecture, ModelFolder } from '../folder/model-folder.js';
import type { DeviceRequest, ProviderChoice } from './device.js';

/** What the engine reports about a loaded model (`GET /api/models`, `groundwork models list`, logs). */
export interface LoadedModelInfo {
  name: string;
  path: string;
  layout: ModelFolder['layout'];
  dtype: string;
  provider: ProviderChoice['provider'];
  /** Why each provider tried before the chosen one was not used. */
  providerReasons: ProviderChoice['reasons'];
  architecture: ModelArchitecture;
  hasChatTemplate: boolean;
  contextLength: number;
  /** What the engine changed in the graph when it opened it, in memory (the file is untouched); empty for none. */
  graphChanges: string[];
}

export interface SerializedError {
  code: string;
  message: string;
}

/** Messages from the main thread to the engine's worker. */
export type ToWorker =
  | { type: 'load'; id: number; key: string; folder: ModelFolder; device: DeviceRequest; threads?: number }
  | { type: 'generate'; ids: number[]; key: string; requests: GenerateRequest[] }
  | { type: 'cancel'; id: number };

/** Messages from the worker back to the main thread. */
export type FromWorker =
  | { type: 'loaded'; id: number; info: LoadedModelInfo }
  | { type: 'text'; id: number; text: string }
  | { type: 'result'; id: number; result: GenerateResult }
  | { type: 'error'; id: number; error: SerializedError };
