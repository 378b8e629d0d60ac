import type { RequestHandler } from 'express';
import { sanitiseClientHeaders } from '../core/header-policy.js';
import { buildPluginHeaders, type PluginAuthEncoding } from '../core/plugin-headers.js';
import type { Connector, Secret } from '../core/types.js';
import { StatusError } from '../errors.js';
import type { SecretStore } from '../kube/cluster-cache.js';
import { required } from './request-context.js';

/**
 * Drops every client header of the policy (its token first) and sets X-Plugin-Meta/Auth/Secret from the
 * Connector and its Secret. Done here, before the proxy runs, because http-proxy skips its header hook when
 * the client sent `Expect`.
 */
export function injectCredentials(secrets: SecretStore, authEncoding: PluginAuthEncoding): RequestHandler {
  return (req, _res, next) => {
    const connector = required(req, 'connector');
    const secret = connectorSecret(connector, secrets);
    sanitiseClientHeaders(req.headers);
    Object.assign(req.headers, buildPluginHeaders({ address: connector.spec?.address ?? '', secret, authEncoding }));
    next();
  };
}

/**
 * The Secret of spec.auth.secretRef, in the Connector's own namespace only: a cross-namespace reference would
 * let whoever writes a Connector read another namespace's Secret through us.
 */
export function connectorSecret(connector: Connector, secrets: SecretStore): Secret | undefined {
  const ref = connector.spec?.auth?.secretRef;
  if (!ref?.name) return undefined;
  const { namespace, name } = connector.metadata;
  const where = `connector '${namespace}/${name}'`;
  if (ref.namespace && ref.namespace !== namespace) {
    throw StatusError.badRequest(`secret reference of ${where} points to namespace '${ref.namespace}': only the connector's own namespace is allowed`);
  }
  const secret = secrets.secret(namespace ?? '', ref.name);
  if (!secret) throw StatusError.badRequest(`secret '${namespace}/${ref.name}' referenced by ${where} not found`);
  return secret;
}
