import type { RequestHandler } from 'express';
import { StatusError } from '../errors.js';

/**
 * RFC 9112 §3.2: an HTTP/1.1 request without Host gets 400. The server lets it through (requireHostHeader:
 * false) only so that the refusal is a Status like every other error, not Node's bare 400.
 */
export function requireHostHeader(): RequestHandler {
  return (req, _res, next) => {
    next(req.httpVersion === '1.1' && req.headers.host === undefined ? StatusError.badRequest('the request has no Host header') : undefined);
  };
}
