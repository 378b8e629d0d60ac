import type { RequestHandler } from 'express';
import { parsePaging } from '../core/list-shape.js';
import type { ConnectorRequestPath } from '../core/request-path.js';
import { StatusError } from '../errors.js';
import { contextOf } from './request-context.js';

/**
 * Parses the raw request-target (never Express's decoded params, which turn %2F and %2e%2e into path syntax),
 * validates names and segments, and guards bodies: reads must not carry one (a smuggling vector through the
 * proxy's length handling), and a DELETE body needs Content-Length (http-proxy drops Transfer-Encoding on
 * DELETE and would send the chunks as a second request).
 */
export function parseConnectorPath(parse: (target: string) => ConnectorRequestPath | undefined): RequestHandler {
  return (req, _res, next) => {
    const chunked = req.headers['transfer-encoding'] !== undefined;
    const length = req.headers['content-length'];
    const isRead = req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS';
    if (isRead && (chunked || (length !== undefined && length !== '0'))) {
      throw StatusError.badRequest(`a ${req.method} request must not have a body`);
    }
    if (req.method === 'DELETE' && chunked) throw StatusError.badRequest('a DELETE body must be sent with Content-Length');
    const path = parse(req.originalUrl);
    if (!path) throw StatusError.notFound('the server could not find the requested resource');
    const ctx = contextOf(req);
    ctx.path = path;
    // Paging is ours to do only for ConnectorClass API answers; on R2 it is validated once the dispatch is known.
    if (path.route === 'resources') ctx.paging = parsePaging(path.rawQuery);
    next();
  };
}
