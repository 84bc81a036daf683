/** Why a model could not be loaded; `code` is stable for clients, the message names the file and the problem. */
export type ModelLoadProblem =
  | 'unsupported-graph'
  | 'kv-mismatch'
  | 'unsupported-op'
  | 'bad-onnx'
  | 'no-device'
  | 'prompt-too-long'
  | 'engine-crashed';

export class ModelLoadError extends Error {
  override name = 'ModelLoadError';
  readonly retryable = false;
  constructor(
    readonly code: ModelLoadProblem,
    message: string,
  ) {
    super(message);
  }
}
