import { Router } from 'express';
import type { PluginAuthEncoding } from '../core/plugin-headers.js';
import type { AccessReviewer } from '../kube/access-reviewer.js';
import type { ConnectorStore, FeatureFlagSource, SecretStore } from '../kube/cluster-cache.js';
import type { TokenReviewer } from '../kube/token-reviewer.js';
import type { Logger } from '../logger.js';
import { authenticate } from '../middleware/authenticate.js';
import { authorizeConnectorApis, authorizeConnectorRead } from '../middleware/authorize.js';
import { injectCredentials } from '../middleware/inject-credentials.js';
import { allowMethods, READ_METHODS } from '../middleware/method-gate.js';
import { parseResourcePath } from '../middleware/parse-resource-path.js';
import { proxyToClassApi } from '../middleware/proxy-to-class-api.js';
import { resolveConnector } from '../middleware/resolve-connector.js';

/** R1. A RegExp, not a ':param' pattern: Express would decode %2F and %2e%2e inside params. */
export const RESOURCES_ROUTE = /^\/connectors\/v1alpha1\/namespaces\/[^/]+\/connectors\/[^/]+\/resources\/.+/;

export interface ConnectorResourcesDeps {
  readonly tokenReviewer: TokenReviewer;
  readonly accessReviewer: AccessReviewer;
  readonly connectors: ConnectorStore;
  readonly secrets: SecretStore;
  readonly flags: FeatureFlagSource;
  readonly podNamespace: string;
  readonly upstream: { readonly timeoutMs: number; readonly pluginAuthEncoding: PluginAuthEncoding; readonly maxNormaliseBytes: number };
  readonly logger: Logger;
  readonly onUpstreamResponse?: (status: number, seconds: number) => void;
}

/** The whole chain of the resources route, in the order a request travels it. */
export function connectorResourcesRouter(deps: ConnectorResourcesDeps): Router {
  const { logger } = deps;
  const router = Router({ caseSensitive: true, strict: true });
  router.all(
    RESOURCES_ROUTE,
    allowMethods(READ_METHODS),                                         // 405 + Allow, before authentication
    parseResourcePath(),                                                // 400/414: names, traversal, bodies on reads
    authenticate(deps.tokenReviewer, logger),                           // 401 (503 if the review cannot be made)
    authorizeConnectorRead(deps.accessReviewer, logger),                // 403: SAR get connectors
    resolveConnector(deps.connectors, deps.podNamespace),               // 404 connector, 400 class / API address
    authorizeConnectorApis(deps.accessReviewer, deps.flags, logger),    // 403: SAR connectors/apis/<class>, flag-gated
    injectCredentials(deps.secrets, deps.upstream.pluginAuthEncoding),  // client headers out, X-Plugin-* in
    proxyToClassApi({ ...deps.upstream, logger, onUpstreamResponse: deps.onUpstreamResponse }), // forward + normalise
  );
  return router;
}
