import client from 'prom-client';

/** The service's Prometheus metrics, one registry per app so tests can build several apps. */
export interface Metrics {
  readonly registry: client.Registry;
  readonly requests: client.Counter<'route' | 'code'>;
  readonly requestSeconds: client.Histogram<'route'>;
  readonly upstreamSeconds: client.Histogram<'code'>;
  readonly cacheLookups: client.Counter<'cache' | 'result'>;
  readonly watchRestarts: client.Counter<'resource'>;
  readonly inFlight: client.Gauge;
}

export function createMetrics(options: { collectDefaults: boolean }): Metrics {
  const registry = new client.Registry();
  if (options.collectDefaults) client.collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    // Labels are bounded: a route name (never the raw path), a status code, a cache name.
    requests: new client.Counter({ name: 'connectors_api_requests_total', help: 'Requests answered, by route and HTTP status code', labelNames: ['route', 'code'], registers }),
    requestSeconds: new client.Histogram({ name: 'connectors_api_request_duration_seconds', help: 'Whole-request latency by route', labelNames: ['route'], registers }),
    upstreamSeconds: new client.Histogram({ name: 'connectors_api_upstream_duration_seconds', help: 'Time to the upstream response headers, by upstream status code', labelNames: ['code'], registers }),
    cacheLookups: new client.Counter({ name: 'connectors_api_review_cache_lookups_total', help: 'TokenReview/SubjectAccessReview cache lookups', labelNames: ['cache', 'result'], registers }),
    watchRestarts: new client.Counter({ name: 'connectors_api_watch_restarts_total', help: 'Watch restarts by resource', labelNames: ['resource'], registers }),
    inFlight: new client.Gauge({ name: 'connectors_api_requests_in_flight', help: 'Requests being served', registers }),
  };
}
