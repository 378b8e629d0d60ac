import express, { type Express } from 'express';
import { MAX_REQUEST_HEADER_FIELDS } from './core/header-policy.js';
import { metricRecorders, type Metrics } from './metrics.js';
import { accessLog } from './middleware/access-log.js';
import { errorHandler, notFound } from './middleware/error-handler.js';
import { inOrder } from './middleware/in-order.js';
import { requestId } from './middleware/request-id.js';
import { recordCallerToken } from './middleware/caller-token.js';
import { limitHeaderCount } from './middleware/limit-header-count.js';
import { requireHostHeader } from './middleware/require-host.js';
import { API_PATH_ROUTE, connectorRoutes, RESOURCES_ROUTE, type ConnectorRoutesDeps } from './routes/connector-routes.js';
import { FEATURE_FLAGS_PATH, featureFlagsRouter } from './routes/feature-flags.js';
import { probesRouter } from './routes/probes.js';

/** What the routes need, plus readiness and the metrics registry. */
export interface AppDeps extends Omit<ConnectorRoutesDeps, 'onUpstreamResponse'> {
  readonly synced: () => boolean;
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
 * The service: request id, the caller's bearer token, access log, the Host check and the header-field limit for
 * every request; the two Connector routes (their chains are in routes/connector-routes.ts); probes and metrics; the
 * featureflags endpoint; then 404 and the single error renderer.
 */
export function createApp(deps: AppDeps): Express {
  const app = express();
  const record = metricRecorders(deps.metrics);
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', false); // the raw query is forwarded; nothing here reads req.query

  // What every request goes through, as one handler (one router layer instead of four).
  app.use(inOrder([requestId(), recordCallerToken(), accessLog(deps.logger, record, routeOf), requireHostHeader(), limitHeaderCount(MAX_REQUEST_HEADER_FIELDS)]));
  // The hot path first: probes, metrics and featureflags never match the Connector routes' paths.
  app.use(connectorRoutes({ ...deps, onUpstreamResponse: record.upstream }));
  app.use(probesRouter({ synced: deps.synced, metrics: deps.metrics }));
  app.use(featureFlagsRouter(deps));
  app.use(notFound());
  app.use(errorHandler(deps.logger));
  return app;
}
