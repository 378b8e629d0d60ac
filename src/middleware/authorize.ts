import type { Request, RequestHandler } from 'express';
import { connectorApisAttributes, connectorReadAttributes, rbacVerbForMethod } from '../core/access-attributes.js';
import { APIS_PERMISSIONS_FLAG, isFlagEnabled } from '../core/feature-flags.js';
import type { ResourceAttributes } from '../core/types.js';
import { failureReason } from '../core/credential-scrub.js';
import { StatusError } from '../errors.js';
import type { AccessReviewer } from '../kube/access-reviewer.js';
import type { FeatureFlagSource } from '../kube/cluster-cache.js';
import type { Logger } from '../logger.js';
import { contextOf, required } from './request-context.js';

/** SAR #1: the caller must be able to get the Connector. Runs before the Connector is read, so 403 leaks nothing. */
export function authorizeConnectorRead(reviewer: AccessReviewer, logger: Logger): RequestHandler {
  return async (req, _res, next) => {
    const { namespace, name } = required(req, 'path');
    await requireAllowed(req, reviewer, connectorReadAttributes(namespace, name), logger);
    next();
  };
}

/**
 * SAR #2, only while enable-connector-apis-permissions is "true", with the method's verb: form A
 * `connectors/apis/<class>`; if denied and an OpenAPI template matched, form B `connectors/apis/<class><template>`.
 * Either allows. The 403 names form A, the grant that covers the whole class.
 */
export function authorizeConnectorApis(reviewer: AccessReviewer, flags: FeatureFlagSource, logger: Logger): RequestHandler {
  return async (req, _res, next) => {
    if (!isFlagEnabled(flags.flagData(), APIS_PERMISSIONS_FLAG)) return next();
    const { namespace, name } = required(req, 'path');
    const className = required(req, 'connectorClass').metadata.name;
    const { template } = required(req, 'operation');
    const verb = rbacVerbForMethod(req.method) ?? 'get';
    const formA = connectorApisAttributes(namespace, name, className, verb);
    if (await isAllowed(req, reviewer, formA, logger)) return next();
    if (template !== undefined && (await isAllowed(req, reviewer, connectorApisAttributes(namespace, name, `${className}${template}`, verb), logger))) {
      return next();
    }
    throw StatusError.forbidden(forbiddenMessage(required(req, 'user').username, formA));
  };
}

/** Any SubjectAccessReview-guarded endpoint (e.g. featureflags) with fixed attributes. */
export function authorizeFixed(reviewer: AccessReviewer, attributes: ResourceAttributes, logger: Logger): RequestHandler {
  return async (req, _res, next) => {
    await requireAllowed(req, reviewer, attributes, logger);
    next();
  };
}

async function requireAllowed(req: Request, reviewer: AccessReviewer, attributes: ResourceAttributes, logger: Logger): Promise<void> {
  if (!(await isAllowed(req, reviewer, attributes, logger))) {
    throw StatusError.forbidden(forbiddenMessage(required(req, 'user').username, attributes));
  }
}

/** One SubjectAccessReview for the authenticated caller; 503 when it cannot be made, never a pass. */
async function isAllowed(req: Request, reviewer: AccessReviewer, attributes: ResourceAttributes, logger: Logger): Promise<boolean> {
  try {
    return await reviewer.review(required(req, 'user'), attributes);
  } catch (err) {
    logger.warn('access review failed', { reason: failureReason(err, contextOf(req).credentials) });
    throw StatusError.serviceUnavailable('access could not be reviewed: the Kubernetes API is unavailable');
  }
}

/** Worded like the API server's own 403, so people recognise it and know which Role to ask for. */
export function forbiddenMessage(username: string, a: ResourceAttributes): string {
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const object = a.name ? `${a.resource}.${a.group} "${a.name}"` : `${a.resource}.${a.group}`;
  const scope = a.namespace ? ` in the namespace "${a.namespace}"` : ' at the cluster scope';
  return `${object} is forbidden: User "${username}" cannot ${a.verb} resource "${resource}" in API group "${a.group}"${scope}`;
}
