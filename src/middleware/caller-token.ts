import type { RequestHandler } from 'express';
import { parseBearerToken } from '../core/bearer-token.js';
import { contextOf } from './request-context.js';

/**
 * Reads the caller's `Authorization: Bearer` token once, for every request: authentication takes it from the
 * request context, and it joins the credentials that no answer or log line may echo. Known from the first steps
 * on, so that even a 400 about a path that quotes the token never repeats it.
 */
export function recordCallerToken(): RequestHandler {
  return (req, _res, next) => {
    const token = parseBearerToken(req.headers.authorization);
    if (token !== undefined) {
      const ctx = contextOf(req);
      ctx.bearerToken = token;
      ctx.credentials.push(token);
    }
    next();
  };
}
