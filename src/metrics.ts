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
  /** Counts one cache lookup towards cacheLookups. */
  countLookup(cache: string, hit: boolean): void;
  /** Counts one answered request towards requests. */
  countRequest(route: string, dispatch: string, connectorclass: string, code: number): void;
  readonly kubeCalls: client.Counter<'kind' | 'result'>;
  readonly watchRestarts: client.Counter<'resource'>;
  readonly inFlight: client.Gauge;
  /** Moves the in-flight gauge by +1 (a request began) or -1 (it ended). */
  moveInFlight(by: 1 | -1): void;
}

/**
 * Counts kept by the hot path as plain increments, per label set, and handed to their prom-client Counter when it
 * collects (a scrape, or get()): prom-client checks and hashes the label set on every inc(), which several times
 * per request was a measurable share of the warm path (issue #6).
 */
class SummedCounts<L extends string> {
  private readonly slots = new Map<string, { labels: Partial<Record<L, string>>; count: number }>();

  /** The running count of one label set; `key` must identify `labels()` exactly (called the first time only). */
  slot(key: string, labels: () => Partial<Record<L, string>>): { count: number } {
    let slot = this.slots.get(key);
    if (!slot) this.slots.set(key, (slot = { labels: labels(), count: 0 }));
    return slot;
  }

  flushInto(counter: client.Counter<L>): void {
    for (const slot of this.slots.values()) {
      if (slot.count > 0) counter.inc(slot.labels, slot.count);
      slot.count = 0;
    }
  }
}

export function createMetrics(options: { collectDefaults: boolean }): Metrics {
  const registry = new client.Registry();
  if (options.collectDefaults) client.collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const lookups = new SummedCounts<'cache' | 'result'>();
  const answered = new SummedCounts<'route' | 'dispatch' | 'connectorclass' | 'code'>();
  // Five lookups per request: each cache's [hit, miss] slots found with one Map get, no key built.
  const lookupSlots = new Map<string, [{ count: number }, { count: number }]>();
  let inFlight = 0;
  return {
    registry,
    requests: new client.Counter({
      name: 'connectors_api_requests_total',
      help: 'Requests answered, by route, dispatch kind (api, proxy, none), ConnectorClass and HTTP status code',
      labelNames: ['route', 'dispatch', 'connectorclass', 'code'],
      registers,
      collect(this: client.Counter<'route' | 'dispatch' | 'connectorclass' | 'code'>) {
        answered.flushInto(this);
      },
    }),
    countRequest(route: string, dispatch: string, connectorclass: string, code: number): void {
      answered.slot(`${route}|${dispatch}|${connectorclass}|${code}`, () => ({ route, dispatch, connectorclass, code: String(code) })).count++;
    },
    requestSeconds: new client.Histogram({ name: 'connectors_api_request_duration_seconds', help: 'Whole-request latency', labelNames: ['route', 'dispatch'], registers }),
    upstreamSeconds: new client.Histogram({ name: 'connectors_api_upstream_duration_seconds', help: 'Time to the upstream response headers', labelNames: ['dispatch', 'code'], registers }),
    cacheLookups: new client.Counter({
      name: 'connectors_api_cache_lookups_total',
      help: 'Cache lookups: token and access (review caches), connector, connectorclass, secret (object caches)',
      labelNames: ['cache', 'result'],
      registers,
      collect(this: client.Counter<'cache' | 'result'>) {
        lookups.flushInto(this);
      },
    }),
    countLookup(cache: string, hit: boolean): void {
      let slots = lookupSlots.get(cache);
      if (!slots) {
        slots = [lookups.slot(`${cache}|hit`, () => ({ cache, result: 'hit' })), lookups.slot(`${cache}|miss`, () => ({ cache, result: 'miss' }))];
        lookupSlots.set(cache, slots);
      }
      slots[hit ? 0 : 1].count++;
    },
    kubeCalls: new client.Counter({ name: 'connectors_api_kube_api_calls_total', help: 'Calls to the Kubernetes API by kind (tokenreview, subjectaccessreview, list, watch)', labelNames: ['kind', 'result'], registers }),
    watchRestarts: new client.Counter({ name: 'connectors_api_watch_restarts_total', help: 'Watch restarts by resource', labelNames: ['resource'], registers }),
    inFlight: new client.Gauge({
      name: 'connectors_api_requests_in_flight',
      help: 'Requests being served',
      registers,
      collect(this: client.Gauge) {
        this.set(inFlight);
      },
    }),
    moveInFlight(by: 1 | -1): void {
      inFlight += by;
    },
  };
}

/**
 * The hot path's recorders. Counts (requests, cache lookups) and the in-flight gauge are summed before prom-client
 * sees them (createMetrics). Histogram children are memoised: labels() checks and copies a label set on every call,
 * and the hot path records the same few combinations over and over (prom-client still hashes the set on each
 * observe()). Keys join bounded label values.
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
      metrics.moveInFlight(1);
    },
    /** A request ended (pairs with started()). */
    request(route: string, dispatch: string, connectorclass: string, code: number, seconds: number): void {
      metrics.moveInFlight(-1);
      metrics.countRequest(route, dispatch, connectorclass, code);
      child(`d|${route}|${dispatch}`, () => metrics.requestSeconds.labels({ route, dispatch })).observe(seconds);
    },
    upstream(dispatch: string, code: number, seconds: number): void {
      child(`u|${dispatch}|${code}`, () => metrics.upstreamSeconds.labels({ dispatch, code: String(code) })).observe(seconds);
    },
  };
}

export type MetricRecorders = ReturnType<typeof metricRecorders>;
