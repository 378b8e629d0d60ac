import express, { type Express } from 'express';
import type { PluginAuthEncoding } from './core/plugin-headers.js';
import type { AccessReviewer } from './kube/access-reviewer.js';
import type { ConnectorStore, FeatureFlagSource, SecretStore } from './kube/cluster-cache.js';
import type { TokenReviewer } from './kube/token-reviewer.js';
import type { Logger } from './logger.js';
import { metricRecorders, type Metrics } from './metrics.js';
import { accessLog } from './middleware/access-log.js';
import { errorHandler, notFound } from './middleware/error-handler.js';
import { requestId } from './middleware/request-id.js';
import { requireHostHeader } from './middleware/require-host.js';
import type { ToolTrust } from './middleware/resolve-upstream.js';
import { API_PATH_ROUTE, connectorRoutes, RESOURCES_ROUTE } from './routes/connector-routes.js';
import { FEATURE_FLAGS_PATH, featureFlagsRouter } from './routes/feature-flags.js';
import { probesRouter } from './routes/probes.js';

export interface AppDeps {
  readonly tokenReviewer: TokenReviewer;
  readonly accessReviewer: AccessReviewer;
  readonly connectors: ConnectorStore;
  readonly secrets: SecretStore;
  readonly flags: FeatureFlagSource;
  readonly toolTrust: ToolTrust;
  readonly synced: () => boolean;
  readonly podNamespace: string;
  readonly upstream: { readonly timeoutMs: number; readonly pluginAuthEncoding: PluginAuthEncoding; readonly maxNormaliseBytes: number };
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** Bounded route label for metrics and logs. */
function routeOf(path: string): string {
  if (RESOURCES_ROUTE.test(path)) return 'resources';
  if (API_PATH_ROUTE.test(path)) return 'path';
  if (path === FEATURE_FLAGS_PATH) return 'featureflags';
  if (path === '/healthz' || path === '/readyz' || path === '/metrics') return path.slice(1);
  return 'other';
}

/**
 * The service: probes and metrics, the two Connector routes (their chains are in routes/connector-routes.ts), the
 * featureflags endpoint, then 404 and the single error renderer.
 */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', false); // the raw query is forwarded; nothing here reads req.query

  app.use(requestId());
  app.use(accessLog(deps.logger, deps.metrics, routeOf));
  app.use(requireHostHeader());
  app.use(probesRouter({ synced: deps.synced, metrics: deps.metrics }));
  app.use(
    connectorRoutes({
      ...deps,
      onUpstreamResponse: metricRecorders(deps.metrics).upstream,
    }),
  );
  app.use(featureFlagsRouter(deps));
  app.use(notFound());
  app.use(errorHandler(deps.logger));
  return app;
}
