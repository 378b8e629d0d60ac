import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { ServerResponse } from 'node:http';
import { StatusError, toStatusError, type MetaV1Status } from '../errors.js';
import { failureReason, scrubCredentials } from '../core/credential-scrub.js';
import type { Logger } from '../logger.js';
import { contextOf } from './request-context.js';

/**
 * The one place that writes an error body. A response whose headers are already out cannot carry a Status any
 * more: its connection is destroyed so the client sees a failure, never a truncated body presented as complete.
 */
export function writeStatus(res: ServerResponse, status: MetaV1Status, headers: Readonly<Record<string, string>> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // Messages can quote client input (a path holding the token) or an upstream's text (quoting injected secrets).
  const credentials = contextOf(res.req).credentials;
  const body = JSON.stringify(credentials.length ? { ...status, message: scrubCredentials(status.message, credentials) } : status);
  res.writeHead(status.code, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export function writeStatusError(res: ServerResponse, err: StatusError): void {
  writeStatus(res, err.toStatus(), err.headers);
}

/** Mounted last: every thrown or passed error becomes a metav1.Status; unknown ones a generic 500, logged. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res: Response, _next) => {
    const statusError = toStatusError(err);
    if (statusError.code >= 500 && !(err instanceof StatusError)) {
      logger.error('unhandled error', { reason: failureReason(err, contextOf(req).credentials), stack: err instanceof Error ? err.stack?.split('\n').slice(1, 6).join(' | ') : undefined, method: req.method });
    }
    writeStatusError(res, statusError);
  };
}

/** Every path no route serves. */
export function notFound(): RequestHandler {
  return (_req, _res, next) => next(StatusError.notFound('the server could not find the requested resource'));
}
