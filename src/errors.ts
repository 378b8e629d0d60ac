/**
 * The one error type of the service. Every failure, ours or a normalised upstream one, is rendered from a
 * StatusError as a Kubernetes metav1.Status by middleware/error-handler.ts and nowhere else.
 */
export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'Invalid'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout'
  | 'ServerTimeout'
  | '';

export interface MetaV1Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: StatusReason;
  code: number;
  details?: unknown;
}

// k8s.io/apimachinery StatusReason ↔ HTTP code, for answers whose reason we must infer from the code alone.
const REASON_BY_CODE: Readonly<Record<number, StatusReason>> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

export function reasonForCode(code: number): StatusReason {
  return REASON_BY_CODE[code] ?? '';
}

export class StatusError extends Error {
  readonly code: number;
  readonly reason: StatusReason;
  /** Extra response headers, e.g. Allow on 405. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: number, reason: StatusReason, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'StatusError';
    this.code = code;
    this.reason = reason;
    this.headers = headers;
  }

  static badRequest(message: string): StatusError {
    return new StatusError(400, 'BadRequest', message);
  }
  static unauthorized(message = 'Unauthorized'): StatusError {
    return new StatusError(401, 'Unauthorized', message);
  }
  static forbidden(message: string): StatusError {
    return new StatusError(403, 'Forbidden', message);
  }
  static notFound(message: string): StatusError {
    return new StatusError(404, 'NotFound', message);
  }
  static methodNotAllowed(method: string, allowed: readonly string[]): StatusError {
    return new StatusError(405, 'MethodNotAllowed', `method ${method} is not allowed on this resource`, {
      Allow: allowed.join(', '),
    });
  }
  static uriTooLong(message: string): StatusError {
    return new StatusError(414, '', message);
  }
  static internal(message = 'an internal error occurred'): StatusError {
    return new StatusError(500, 'InternalError', message);
  }
  static serviceUnavailable(message: string): StatusError {
    return new StatusError(503, 'ServiceUnavailable', message);
  }
  static timeout(message: string): StatusError {
    return new StatusError(504, 'Timeout', message);
  }

  toStatus(): MetaV1Status {
    return buildStatus(this.code, this.reason, this.message);
  }
}

export function buildStatus(code: number, reason: StatusReason, message: string): MetaV1Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

/**
 * Any thrown value → StatusError. Unknown errors become a generic 500 so that no internal detail (or secret)
 * reaches the client; the caller logs the original.
 */
export function toStatusError(err: unknown): StatusError {
  if (err instanceof StatusError) return err;
  // body-parser/express style errors carry a client-error status (e.g. 400 for a malformed % escape).
  const e = err as { status?: unknown; statusCode?: unknown } | null;
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new StatusError(status, reasonForCode(status), clientErrorMessage(status));
  }
  return StatusError.internal();
}

function clientErrorMessage(code: number): string {
  return code === 400 ? 'the request could not be parsed' : `request rejected (${code})`;
}
