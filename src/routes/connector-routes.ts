import { Router } from 'express';
import { parseApiRequestPath, parseResourceRequestPath } from '../core/request-path.js';
import type { PluginAuthEncoding } from '../core/plugin-headers.js';
import type { AccessReviewer } from '../kube/access-reviewer.js';
import type { ConnectorStore, FeatureFlagSource, SecretStore } from '../kube/cluster-cache.js';
import type { TokenReviewer } from '../kube/token-reviewer.js';
import type { Logger } from '../logger.js';
import { authenticate } from '../middleware/authenticate.js';
import { authorizeConnectorApis, authorizeConnectorRead } from '../middleware/authorize.js';
import { dispatchByProvider } from '../middleware/dispatch.js';
import { inOrder } from '../middleware/in-order.js';
import { injectPluginHeaders, injectToolCredentials } from '../middleware/inject-credentials.js';
import { classApiOperation, matchApiOperation } from '../middleware/match-operation.js';
import { allowConnectorMethods } from '../middleware/method-gate.js';
import { parseConnectorPath } from '../middleware/parse-connector-path.js';
import { resolveConnector } from '../middleware/resolve-connector.js';
import { resolveClassApiTarget, resolveToolTarget, type ToolTrust } from '../middleware/resolve-upstream.js';
import { proxyToClassApi, proxyToTool, type UpstreamProxyOptions } from '../middleware/upstream-proxy.js';

// RegExps, not ':param' patterns: Express would decode %2F and %2e%2e inside params.
/** R1 `/connectors/v1alpha1/namespaces/{ns}/connectors/{name}/resources/{resource...}` */
export const RESOURCES_ROUTE = /^\/connectors\/v1alpha1\/namespaces\/[^/]+\/connectors\/[^/]+\/resources\/.+/;
/** R2 `/connectors/v1alpha1/{ns}/{name}/path/{api-path...}` */
export const API_PATH_ROUTE = /^\/connectors\/v1alpha1\/[^/]+\/[^/]+\/path\/.+/;

export interface ConnectorRoutesDeps {
  readonly tokenReviewer: TokenReviewer;
  readonly accessReviewer: AccessReviewer;
  readonly connectors: ConnectorStore;
  readonly secrets: SecretStore;
  readonly flags: FeatureFlagSource;
  readonly toolTrust: ToolTrust;
  readonly podNamespace: string;
  readonly upstream: { readonly timeoutMs: number; readonly pluginAuthEncoding: PluginAuthEncoding; readonly maxNormaliseBytes: number };
  readonly logger: Logger;
  readonly onUpstreamResponse?: UpstreamProxyOptions['onUpstreamResponse'];
}

/**
 * Both Connector routes; each chain reads top to bottom in the order a request travels it, and runs as one
 * Express handler (inOrder) rather than a router layer per step.
 */
export function connectorRoutes(deps: ConnectorRoutesDeps): Router {
  const { logger, flags } = deps;
  const proxyOptions = { timeoutMs: deps.upstream.timeoutMs, logger, onUpstreamResponse: deps.onUpstreamResponse };
  const toClassApi = [
    resolveClassApiTarget(deps.connectors, deps.podNamespace),          // 400 "api address … is not resolved"
    injectPluginHeaders(deps.secrets, deps.upstream.pluginAuthEncoding), // client credentials out, X-Plugin-* in
    proxyToClassApi({ ...proxyOptions, maxNormaliseBytes: deps.upstream.maxNormaliseBytes }), // lists and errors normalised
  ];
  const toTool = [
    resolveToolTarget(deps.toolTrust),                                  // spec.address or x-openapi-address; CA pool
    injectToolCredentials(deps.secrets),                                // client credentials out, Basic/Bearer in
    proxyToTool(proxyOptions),                                          // answers relayed unchanged
  ];
  const router = Router({ caseSensitive: true, strict: true });
  router.all(RESOURCES_ROUTE, inOrder([
    allowConnectorMethods(flags),                                       // 405 + Allow before authentication
    parseConnectorPath(parseResourceRequestPath),                       // 400/414: names, traversal, bodies
    authenticate(deps.tokenReviewer, logger),                           // 401 (503 if the review cannot be made)
    authorizeConnectorRead(deps.accessReviewer, logger),                // 403: SAR get connectors
    resolveConnector(deps.connectors),                                  // 404 connector, 400 class
    classApiOperation(),                                                // always the ConnectorClass API
    authorizeConnectorApis(deps.accessReviewer, flags, logger),         // 403: SAR connectors/apis/<class>, flag-gated
    ...toClassApi,
  ]));
  router.all(API_PATH_ROUTE, inOrder([
    allowConnectorMethods(flags),
    parseConnectorPath(parseApiRequestPath),
    authenticate(deps.tokenReviewer, logger),
    authorizeConnectorRead(deps.accessReviewer, logger),
    resolveConnector(deps.connectors),
    matchApiOperation(),                                                // OpenAPI: api | proxy, template; 400 unknown type
    authorizeConnectorApis(deps.accessReviewer, flags, logger),         // 403: apis/<class>, else apis/<class><template>
    dispatchByProvider({ api: toClassApi, proxy: toTool }),
  ]));
  return router;
}
