import type { RequestHandler } from 'express';
import { StatusError } from '../errors.js';
import type { ConnectorStore } from '../kube/cluster-cache.js';
import { contextOf, required } from './request-context.js';

/** Connector → ConnectorClass from the watch caches: 404 for an unknown Connector (worded like the API server), 400 for a missing class. */
export function resolveConnector(store: ConnectorStore): RequestHandler {
  return (req, _res, next) => {
    const { namespace, name } = required(req, 'path');
    const connector = store.connector(namespace, name);
    if (!connector) throw StatusError.notFound(`connectors.connectors.alauda.io "${name}" not found`);
    const className = connector.spec?.connectorClassName ?? '';
    const connectorClass = className ? store.connectorClass(className) : undefined;
    if (!connectorClass) {
      throw StatusError.badRequest(`connectorclass '${className}' of connector '${namespace}/${name}' not found`);
    }
    const ctx = contextOf(req);
    ctx.connector = connector;
    ctx.connectorClass = connectorClass;
    next();
  };
}
