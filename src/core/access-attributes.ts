import type { ResourceAttributes } from './types.js';

export const CONNECTORS_GROUP = 'connectors.alauda.io';

/** SAR #1: may the caller read this Connector? Always `get`, whatever the HTTP method. */
export function connectorReadAttributes(namespace: string, name: string): ResourceAttributes {
  return { verb: 'get', group: CONNECTORS_GROUP, resource: 'connectors', namespace, name };
}

/**
 * SAR #2 (flag enable-connector-apis-permissions): may the caller use the ConnectorClass API of this Connector?
 * Form A covers every path of the class: RBAC resource `connectors/apis/<class>`.
 */
export function connectorApisAttributes(namespace: string, name: string, className: string, verb: string): ResourceAttributes {
  return { verb, group: CONNECTORS_GROUP, resource: 'connectors', subresource: `apis/${className}`, namespace, name };
}

/** The featureflags endpoint: the caller must be able to get ConnectorClasses (cluster-scoped). */
export function featureFlagsReadAttributes(): ResourceAttributes {
  return { verb: 'get', group: CONNECTORS_GROUP, resource: 'connectorclasses' };
}

const VERB_BY_METHOD: Readonly<Record<string, string>> = {
  GET: 'get',
  HEAD: 'get',
  OPTIONS: 'get',
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

/** HTTP method → RBAC verb (spec §4.4). */
export function rbacVerbForMethod(method: string): string | undefined {
  return VERB_BY_METHOD[method.toUpperCase()];
}
