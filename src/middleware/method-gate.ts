import type { RequestHandler } from 'express';
import { StatusError } from '../errors.js';

export const READ_METHODS = ['GET', 'HEAD', 'OPTIONS'] as const;

/** 405 before anything else (authentication included): the route serves reads only. */
export function allowMethods(allowed: readonly string[]): RequestHandler {
  return (req, _res, next) => {
    next(allowed.includes(req.method) ? undefined : StatusError.methodNotAllowed(req.method, allowed));
  };
}
