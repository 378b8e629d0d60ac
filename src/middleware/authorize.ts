import type { NextFunction, Request, RequestHandler } from 'express';
import { connectorApisAttributes, connectorReadAttributes, rbacVerbForMethod } from '../core/access-attributes.js';
import { APIS_PERMISSIONS_FLAG, isFlagEnabled } from '../core/feature-flags.js';
import type { ResourceAttributes } from '../core/types.js';
import { failureReason } from '../core/credential-scrub.js';
import { StatusError } from '../errors.js';
import type { AccessReviewer } from '../kube/access-reviewer.js';
import type { FeatureFlagSource } from '../kube/cluster-cache.js';
import type { Logger } from '../logger.js';
import { andThen, type MaybePromise } from './maybe-async.js';
import { contextOf, required } from './request-context.js';

/** SAR #1: the caller must be able to get the Connector. Runs before the Connector is read, so 403 leaks nothing. */
export function authorizeConnectorRead(reviewer: AccessReviewer, logger: Logger): RequestHandler {
  return (req, _res, next) => {
    const { namespace, name } = required(req, 'path');
    return requireAllowed(req, reviewer, connectorReadAttributes(namespace, name), logger, next);
  };
}

/**
 * SAR #2, only while enable-connector-apis-permissions is "true", with the method's verb: form A
 * `connectors/apis/<class>`; if denied and an OpenAPI template matched, form B `connectors/apis/<class><template>`.
 * Either allows. The 403 names form A, the grant that covers the whole class.
 */
export function authorizeConnectorApis(reviewer: AccessReviewer, flags: FeatureFlagSource, logger: Logger): RequestHandler {
  return (req, _res, next) => {
    if (!isFlagEnabled(flags.flagData(), APIS_PERMISSIONS_FLAG)) return next();
    const { namespace, name } = required(req, 'path');
    const className = required(req, 'connectorClass').metadata.name;
    const { template } = required(req, 'operation');
    const verb = rbacVerbForMethod(req.method) ?? 'get';
    const formA = connectorApisAttributes(namespace, name, className, verb);
    return andThen(decide(req, reviewer, formA, logger), (allowedByA) => {
      if (allowedByA) return next();
      if (template === undefined) throw forbidden(req, formA);
      const formB = connectorApisAttributes(namespace, name, `${className}${template}`, verb);
      return andThen(decide(req, reviewer, formB, logger), (allowedByB) => {
        if (!allowedByB) throw forbidden(req, formA);
        next();
      });
    });
  };
}

/** Any SubjectAccessReview-guarded endpoint (e.g. featureflags) with fixed attributes. */
export function authorizeFixed(reviewer: AccessReviewer, attributes: ResourceAttributes, logger: Logger): RequestHandler {
  return (req, _res, next) => requireAllowed(req, reviewer, attributes, logger, next);
}

function requireAllowed(req: Request, reviewer: AccessReviewer, attributes: ResourceAttributes, logger: Logger, next: NextFunction): MaybePromise<void> {
  return andThen(decide(req, reviewer, attributes, logger), (allowed) => {
    if (!allowed) throw forbidden(req, attributes);
    next();
  });
}

/**
 * One SubjectAccessReview for the authenticated caller: a cached decision at once, else the call; 503 when the
 * call cannot be made, never a pass.
 */
function decide(req: Request, reviewer: AccessReviewer, attributes: ResourceAttributes, logger: Logger): MaybePromise<boolean> {
  const user = required(req, 'user');
  const cached = reviewer.peek?.(user, attributes);
  if (cached !== undefined) return cached;
  return reviewer.review(user, attributes).catch((err: unknown) => {
    logger.warn('access review failed', { reason: failureReason(err, contextOf(req).credentials) });
    throw StatusError.serviceUnavailable('access could not be reviewed: the Kubernetes API is unavailable');
  });
}

function forbidden(req: Request, attributes: ResourceAttributes): StatusError {
  return StatusError.forbidden(forbiddenMessage(required(req, 'user').username, attributes));
}

/** Worded like the API server's own 403, so people recognise it and know which Role to ask for. */
export function forbiddenMessage(username: string, a: ResourceAttributes): string {
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const object = a.name ? `${a.resource}.${a.group} "${a.name}"` : `${a.resource}.${a.group}`;
  const scope = a.namespace ? ` in the namespace "${a.namespace}"` : ' at the cluster scope';
  return `${object} is forbidden: User "${username}" cannot ${a.verb} resource "${resource}" in API group "${a.group}"${scope}`;
}
