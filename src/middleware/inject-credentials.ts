import type { RequestHandler } from 'express';
import { upstreamRequestHeaders } from '../core/header-policy.js';
import { credentialsInAuthorization, credentialsInPluginSecret } from '../core/credential-scrub.js';
import { buildPluginHeaders, PLUGIN_SECRET, type PluginAuthEncoding } from '../core/plugin-headers.js';
import { toolAuthorization } from '../core/tool-credentials.js';
import type { Connector, Secret } from '../core/types.js';
import { StatusError } from '../errors.js';
import type { SecretStore } from '../kube/cluster-cache.js';
import { contextOf, required } from './request-context.js';

// Both steps replace the request's headers with what the upstream may see: the client's less every header of
// the policy (its token first), plus the Connector's credentials. This happens here, before the proxy runs,
// because http-proxy skips its header hook when the client sent `Expect`.

interface PluginHeaderMemo {
  secret: Secret | undefined;
  headers: Record<string, string>;
  credentials: string[];
}

/** `api` dispatch (and R1): X-Plugin-Meta/Auth/Secret for the ConnectorClass API. */
export function injectPluginHeaders(secrets: SecretStore, authEncoding: PluginAuthEncoding): RequestHandler {
  // The caches hand out a new object on every change, so (Connector, Secret) identity keys the built headers.
  const memo = new WeakMap<Connector, PluginHeaderMemo>();
  return (req, _res, next) => {
    const connector = required(req, 'connector');
    const secret = connectorSecret(connector, secrets);
    let built = memo.get(connector);
    if (!built || built.secret !== secret) {
      const headers = buildPluginHeaders({ address: connector.spec?.address ?? '', secret, authEncoding });
      const pluginSecret = headers[PLUGIN_SECRET];
      built = { secret, headers, credentials: pluginSecret ? credentialsInPluginSecret(pluginSecret) : [] };
      memo.set(connector, built);
    }
    req.headers = upstreamRequestHeaders(req.headers, built.headers);
    if (built.credentials.length) contextOf(req).credentials.push(...built.credentials);
    next();
  };
}

/** `proxy` dispatch: the tool gets the Connector's credentials as Authorization, and no X-Plugin-* ever. */
export function injectToolCredentials(secrets: SecretStore): RequestHandler {
  return (req, _res, next) => {
    const connector = required(req, 'connector');
    const authorization = toolAuthorization(connectorSecret(connector, secrets), describe(connector));
    req.headers = upstreamRequestHeaders(req.headers, authorization ? { authorization } : undefined);
    if (authorization) contextOf(req).credentials.push(...credentialsInAuthorization(authorization));
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
  const namespace = connector.metadata.namespace ?? '';
  if (ref.namespace && ref.namespace !== namespace) {
    throw StatusError.badRequest(`secret reference of ${describe(connector)} points to namespace '${ref.namespace}': only the connector's own namespace is allowed`);
  }
  const secret = secrets.secret(namespace, ref.name);
  if (!secret) throw StatusError.badRequest(`secret '${namespace}/${ref.name}' referenced by ${describe(connector)} not found`);
  return secret;
}

function describe(connector: Connector): string {
  return `connector '${connector.metadata.namespace}/${connector.metadata.name}'`;
}
