/** Every error a client can get, with its HTTP status. Clients switch on `code`; `message` is for people. */
export const ERROR_STATUS = {
  'invalid-json': 400,
  'invalid-request': 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  'method-not-allowed': 405,
  conflict: 409,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  'invalid-flow': 422,
  'invalid-inputs': 422,
  'run-failed': 422,
  'run-cancelled': 409,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** One problem with a request, at a path into it (`body.inputs.question`). */
export interface ErrorIssue {
  path: string;
  message: string;
}

export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    issues?: ErrorIssue[];
    [detail: string]: unknown;
  };
}

/** The one error type route handlers throw; the error middleware turns it into a response. */
export class HttpError extends Error {
  override name = 'HttpError';
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: { issues?: ErrorIssue[]; [detail: string]: unknown } = {},
  ) {
    super(message);
    this.status = ERROR_STATUS[code];
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...this.details } };
  }

  static notFound(what: string): HttpError {
    return new HttpError('not-found', `${what} was not found`);
  }
}
