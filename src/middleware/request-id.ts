import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { contextOf } from './request-context.js';

// A client's id is kept only when it is short and plain: it lands in logs and upstream headers.
const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Every response carries X-Request-Id: the client's when valid, else a new UUID. The same id goes upstream (the
 * request header is rewritten before the proxy runs) and into the access log. W3C traceparent passes through
 * untouched.
 */
export function requestId(): RequestHandler {
  return (req, res, next) => {
    const offered = req.headers['x-request-id'];
    const id = typeof offered === 'string' && VALID_REQUEST_ID.test(offered) ? offered : randomUUID();
    req.headers['x-request-id'] = id;
    res.setHeader('X-Request-Id', id);
    contextOf(req).requestId = id;
    next();
  };
}
