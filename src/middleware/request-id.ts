import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { contextOf } from './request-context.js';

// A client's id is kept only when it is short and plain: it lands in logs and upstream headers.
const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The id of a request: the client's X-Request-Id when valid, else a new UUID. */
export function requestIdFor(offered: string | string[] | undefined): string {
  return typeof offered === 'string' && VALID_REQUEST_ID.test(offered) ? offered : randomUUID();
}

/**
 * Every response carries X-Request-Id: the client's when valid, else a new UUID. The same id goes upstream (the
 * request header is rewritten before the proxy runs) and into the access log. W3C traceparent passes through
 * untouched.
 */
export function requestId(): RequestHandler {
  return (req, res, next) => {
    const id = requestIdFor(req.headers['x-request-id']);
    req.headers['x-request-id'] = id;
    res.setHeader('X-Request-Id', id);
    contextOf(req).requestId = id;
    next();
  };
}
