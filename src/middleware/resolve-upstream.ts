import type { RequestHandler } from 'express';
import { resolveClassApiUrl } from '../core/class-api-url.js';
import { resolveToolBase } from '../core/tool-credentials.js';
import { joinUpstreamTarget } from '../core/upstream-url.js';
import type { ConnectorStore } from '../kube/cluster-cache.js';
import { contextOf, required } from './request-context.js';

/** `api` dispatch (and R1): `{ConnectorClass API base}/{segments}?{query}`; 400 when the base is not resolved. */
export function resolveClassApiTarget(store: ConnectorStore, defaultNamespace: string): RequestHandler {
  return (req, _res, next) => {
    const { rawSegments, rawQuery } = required(req, 'path');
    const base = resolveClassApiUrl(required(req, 'connectorClass'), (ns, svc) => store.service(ns, svc), defaultNamespace);
    contextOf(req).upstream = joinUpstreamTarget(base, rawSegments, rawQuery);
    next();
  };
}

/** What TLS to a tool trusts for a Connector: undefined = system roots only (custom CA flag off). */
export type ToolTrust = (connectorNamespace: string, caCertSecretName: string | undefined) => readonly string[] | undefined;

/**
 * `proxy` dispatch: the tool itself at spec.address or the operation's x-openapi-address, path prefix kept,
 * api-path and query verbatim; TLS trust from the custom CA pool when enabled.
 */
export function resolveToolTarget(trust: ToolTrust): RequestHandler {
  return (req, _res, next) => {
    const { rawSegments, rawQuery, namespace, name } = required(req, 'path');
    const connector = required(req, 'connector');
    const { openapiAddress } = required(req, 'operation');
    const base = resolveToolBase(connector.spec?.address, connector.spec?.addressExtensions, openapiAddress, `connector '${namespace}/${name}'`);
    const target = joinUpstreamTarget(base, rawSegments, rawQuery);
    const ca = target.origin.startsWith('https:') ? trust(namespace, connector.spec?.caCertSecretRef?.name) : undefined;
    contextOf(req).upstream = ca ? { ...target, ca } : target;
    next();
  };
}
