/**
 * Why a pull failed. The set is closed so that callers (the CLI, a future HTTP route) can map each to an exit
 * status or an answer without reading messages.
 */
export type HubErrorCode =
  /** The repository, revision or file does not exist (or the hub hides it). */
  | 'not-found'
  /** 401/403: private or gated repositories need a token that can read them. */
  | 'unauthorized'
  /** The hub could not be reached, answered 5xx or 429, or a download broke off. Running again resumes. */
  | 'network'
  /** A downloaded file's SHA-256 (LFS) or git blob SHA-1 differs from the one the hub lists. */
  | 'checksum'
  /** A downloaded file's size differs from the one the hub lists. */
  | 'size'
  /** The hub answered something this client does not understand or must not trust (e.g. a path leaving the folder). */
  | 'bad-response'
  /** An include pattern or a dtype selects no file of the repository. */
  | 'no-match'
  /** The caller's AbortSignal fired; partial downloads are kept for resuming. */
  | 'cancelled';

export class HubError extends Error {
  override name = 'HubError';
  readonly code: HubErrorCode;
  /** The repository file concerned, when there is one. */
  readonly path: string | undefined;

  constructor(code: HubErrorCode, message: string, options: { path?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.path = options.path;
  }
}
