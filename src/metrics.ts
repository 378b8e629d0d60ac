import client from 'prom-client';

/**
 * The service's Prometheus metrics, one registry per app so tests can build several apps. Every label is
 * bounded: route names (never raw paths), status codes, dispatch kinds, ConnectorClass names (cluster-scoped,
 * written by administrators), cache and call kinds. No user, token or path ever becomes a label.
 */
export interface Metrics {
  readonly registry: client.Registry;
  readonly requests: client.Counter<'route' | 'dispatch' | 'connectorclass' | 'code'>;
  readonly requestSeconds: client.Histogram<'route' | 'dispatch'>;
  readonly upstreamSeconds: client.Histogram<'dispatch' | 'code'>;
  readonly cacheLookups: client.Counter<'cache' | 'result'>;
  readonly kubeCalls: client.Counter<'kind' | 'result'>;
  readonly watchRestarts: client.Counter<'resource'>;
  readonly inFlight: client.Gauge;
}

export function createMetrics(options: { collectDefaults: boolean }): Metrics {
  const registry = new client.Registry();
  if (options.collectDefaults) client.collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    requests: new client.Counter({
      name: 'connectors_api_requests_total',
      help: 'Requests answered, by route, dispatch kind (api, proxy, none), ConnectorClass and HTTP status code',
      labelNames: ['route', 'dispatch', 'connectorclass', 'code'],
      registers,
    }),
    requestSeconds: new client.Histogram({ name: 'connectors_api_request_duration_seconds', help: 'Whole-request latency', labelNames: ['route', 'dispatch'], registers }),
    upstreamSeconds: new client.Histogram({ name: 'connectors_api_upstream_duration_seconds', help: 'Time to the upstream response headers', labelNames: ['dispatch', 'code'], registers }),
    cacheLookups: new client.Counter({
      name: 'connectors_api_cache_lookups_total',
      help: 'Cache lookups: token and access (review caches), connector, connectorclass, secret (object caches)',
      labelNames: ['cache', 'result'],
      registers,
    }),
    kubeCalls: new client.Counter({ name: 'connectors_api_kube_api_calls_total', help: 'Calls to the Kubernetes API by kind (tokenreview, subjectaccessreview, list, watch)', labelNames: ['kind', 'result'], registers }),
    watchRestarts: new client.Counter({ name: 'connectors_api_watch_restarts_total', help: 'Watch restarts by resource', labelNames: ['resource'], registers }),
    inFlight: new client.Gauge({ name: 'connectors_api_requests_in_flight', help: 'Requests being served', registers }),
  };
}
