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

/**
 * Memoised label children: prom-client hashes a label set on every inc()/observe(); the hot path records the
 * same few combinations over and over, so each child is made once. Keys join bounded label values.
 */
export function metricRecorders(metrics: Metrics) {
  const children = new Map<string, { inc(): void } | { observe(v: number): void }>();
  const child = <T>(key: string, make: () => T): T => {
    let found = children.get(key) as T | undefined;
    if (!found) {
      found = make();
      children.set(key, found as { inc(): void });
    }
    return found;
  };
  return {
    lookup(cache: string, hit: boolean): void {
      const result = hit ? 'hit' : 'miss';
      child(`l|${cache}|${result}`, () => metrics.cacheLookups.labels({ cache, result })).inc();
    },
    kubeCall(kind: string, result: 'ok' | 'error'): void {
      child(`k|${kind}|${result}`, () => metrics.kubeCalls.labels({ kind, result })).inc();
    },
    /** A request began: in flight until request() records how it ended. */
    started(): void {
      metrics.inFlight.inc();
    },
    /** A request ended (pairs with started()). */
    request(route: string, dispatch: string, connectorclass: string, code: number, seconds: number): void {
      metrics.inFlight.dec();
      child(`r|${route}|${dispatch}|${connectorclass}|${code}`, () => metrics.requests.labels({ route, dispatch, connectorclass, code: String(code) })).inc();
      child(`d|${route}|${dispatch}`, () => metrics.requestSeconds.labels({ route, dispatch })).observe(seconds);
    },
    upstream(dispatch: string, code: number, seconds: number): void {
      child(`u|${dispatch}|${code}`, () => metrics.upstreamSeconds.labels({ dispatch, code: String(code) })).observe(seconds);
    },
  };
}

export type MetricRecorders = ReturnType<typeof metricRecorders>;
