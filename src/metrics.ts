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
  /** Counts one cache lookup towards cacheLookups (handed to prom-client when it collects). */
  countLookup(cache: string, hit: boolean): void;
  readonly kubeCalls: client.Counter<'kind' | 'result'>;
  readonly watchRestarts: client.Counter<'resource'>;
  readonly inFlight: client.Gauge;
}

export function createMetrics(options: { collectDefaults: boolean }): Metrics {
  const registry = new client.Registry();
  if (options.collectDefaults) client.collectDefaultMetrics({ register: registry });
  const registers = [registry];
  // Five cache lookups per request: each is a plain increment here, and prom-client gets the sums when it collects
  // (a scrape, or get()) instead of hashing a label set on every lookup. [hits, misses] per cache.
  const pendingLookups = new Map<string, [number, number]>();
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
      collect(this: client.Counter<'cache' | 'result'>) {
        for (const [cache, counts] of pendingLookups) {
          if (counts[0] > 0) this.inc({ cache, result: 'hit' }, counts[0]);
          if (counts[1] > 0) this.inc({ cache, result: 'miss' }, counts[1]);
          counts[0] = 0;
          counts[1] = 0;
        }
      },
    }),
    countLookup(cache: string, hit: boolean): void {
      let counts = pendingLookups.get(cache);
      if (!counts) pendingLookups.set(cache, (counts = [0, 0]));
      counts[hit ? 0 : 1]++;
    },
    kubeCalls: new client.Counter({ name: 'connectors_api_kube_api_calls_total', help: 'Calls to the Kubernetes API by kind (tokenreview, subjectaccessreview, list, watch)', labelNames: ['kind', 'result'], registers }),
    watchRestarts: new client.Counter({ name: 'connectors_api_watch_restarts_total', help: 'Watch restarts by resource', labelNames: ['resource'], registers }),
    inFlight: new client.Gauge({ name: 'connectors_api_requests_in_flight', help: 'Requests being served', registers }),
  };
}

/**
 * The hot path's recorders. Label children are memoised: labels() checks and copies a label set on every call, and
 * the hot path records the same few combinations over and over (prom-client still hashes the set on each
 * inc()/observe(); the most frequent, cache lookups, are summed before prom-client sees them). Keys join bounded
 * label values.
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
      metrics.countLookup(cache, hit);
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
