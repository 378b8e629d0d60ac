import type { RequestHandler } from 'express';
import { isFlagEnabled, WRITE_PASSTHROUGH_FLAG } from '../core/feature-flags.js';
import { StatusError } from '../errors.js';
import type { FeatureFlagSource } from '../kube/cluster-cache.js';

export const READ_METHODS = ['GET', 'HEAD', 'OPTIONS'] as const;
export const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** 405 + Allow for anything but the given methods, before anything else (authentication included). */
export function allowMethods(allowed: readonly string[]): RequestHandler {
  return (req, _res, next) => {
    next(allowed.includes(req.method) ? undefined : StatusError.methodNotAllowed(req.method, allowed));
  };
}

/**
 * The Connector routes: reads always; POST, PUT, PATCH, DELETE only while enable-connector-apis-write-passthrough
 * is "true" (read live from the flags ConfigMap). The refusal comes before authentication, whatever the RBAC.
 */
export function allowConnectorMethods(flags: FeatureFlagSource): RequestHandler {
  const readsOnly = allowMethods(READ_METHODS);
  const readsAndWrites = allowMethods([...READ_METHODS, ...WRITE_METHODS]);
  return (req, res, next) => (isFlagEnabled(flags.flagData(), WRITE_PASSTHROUGH_FLAG) ? readsAndWrites : readsOnly)(req, res, next);
}
