import type { RequestHandler } from 'express';
import { parsePaging } from '../core/list-shape.js';
import { parseResourceRequestPath } from '../core/request-path.js';
import { StatusError } from '../errors.js';
import { contextOf } from './request-context.js';

/**
 * Parses the raw request-target (never Express's decoded params, which turn %2F and %2e%2e into path syntax),
 * validates names and segments, and refuses bodies on reads: a GET with a body is a request-smuggling vector
 * through the proxy's length handling.
 */
export function parseResourcePath(): RequestHandler {
  return (req, _res, next) => {
    if (hasBody(req.headers)) throw StatusError.badRequest(`a ${req.method} request must not have a body`);
    const path = parseResourceRequestPath(req.originalUrl);
    if (!path) throw StatusError.notFound('the server could not find the requested resource');
    const ctx = contextOf(req);
    ctx.path = path;
    ctx.paging = parsePaging(path.rawQuery);
    next();
  };
}

function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
