/** The wire codes the server answers with, in `{ error: { code, message } }`; stable, safe to branch on. */
export type HttpErrorCode =
  | 'E_BAD_REQUEST'
  | 'E_INPUT_INVALID'
  | 'E_UNAUTHORIZED'
  | 'E_FORBIDDEN'
  | 'E_SIGNATURE_INVALID'
  | 'E_NOT_FOUND'
  | 'E_PLAYBOOK_NOT_FOUND'
  | 'E_METHOD_NOT_ALLOWED'
  | 'E_PAYLOAD_TOO_LARGE'
  | 'E_UNSUPPORTED_MEDIA_TYPE'
  | 'E_OVERLOADED'
  | 'E_SHUTTING_DOWN'
  | 'E_INTERNAL'
  | 'E_RUN_ID_INVALID'
  | 'E_DATA_LIMIT'
  | 'E_UNSAFE_KEY'
  | 'E_RUN_BUSY'
  | 'E_NOT_IMPLEMENTED';

/**
 * A request the server refuses, with the status, the stable code and a plain sentence to answer with.
 * It never leaves the request handler: it becomes the response.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: HttpErrorCode,
    message: string,
    /** Extra fields of the `error` object (issues, problems, retryAfterSeconds). */
    readonly details: Record<string, unknown> = {},
    /** Headers to send with it (Allow, Retry-After, WWW-Authenticate). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}
