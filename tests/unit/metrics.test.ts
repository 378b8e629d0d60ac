import { createMetrics, metricRecorders } from '../../src/metrics.js';

/** The value of one cache-lookup series as Prometheus would scrape it, or undefined when absent. */
async function scrapedLookups(text: Promise<string>, cache: string, result: string): Promise<number | undefined> {
  const line = (await text).split('\n').find((l) => l.startsWith(`connectors_api_cache_lookups_total{cache="${cache}",result="${result}"}`));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

describe('cache lookup counts', () => {
  it('reach the scrape with their sums, per cache and result', async () => {
    const metrics = createMetrics({ collectDefaults: false });
    const record = metricRecorders(metrics);
    for (const hit of [true, true, false, true]) record.lookup('token', hit);
    record.lookup('secret', false);
    const text = metrics.registry.metrics();
    expect(await scrapedLookups(text, 'token', 'hit')).toBe(3);
    expect(await scrapedLookups(text, 'token', 'miss')).toBe(1);
    expect(await scrapedLookups(text, 'secret', 'miss')).toBe(1);
    expect(await scrapedLookups(text, 'secret', 'hit')).toBeUndefined();
    expect(await scrapedLookups(text, 'connector', 'hit')).toBeUndefined();
  });

  it('keep counting up across scrapes, never counting a lookup twice', async () => {
    const metrics = createMetrics({ collectDefaults: false });
    metrics.countLookup('access', true);
    expect(await scrapedLookups(metrics.registry.metrics(), 'access', 'hit')).toBe(1);
    expect(await scrapedLookups(metrics.registry.metrics(), 'access', 'hit')).toBe(1);
    metrics.countLookup('access', true);
    metrics.countLookup('access', true);
    expect(await scrapedLookups(metrics.registry.metrics(), 'access', 'hit')).toBe(3);
  });

  it('are seen by get() as well as by a scrape', async () => {
    const metrics = createMetrics({ collectDefaults: false });
    metrics.countLookup('connector', false);
    const { values } = await metrics.cacheLookups.get();
    expect(values).toEqual([{ labels: { cache: 'connector', result: 'miss' }, value: 1 }]);
  });

  it('keep one registry per app: two apps never mix their counts', async () => {
    const one = createMetrics({ collectDefaults: false });
    const two = createMetrics({ collectDefaults: false });
    one.countLookup('token', true);
    expect(await scrapedLookups(one.registry.metrics(), 'token', 'hit')).toBe(1);
    expect(await scrapedLookups(two.registry.metrics(), 'token', 'hit')).toBeUndefined();
  });
});

/** The value of a series line that starts with `prefix` in a scrape, or undefined when absent. */
async function scraped(text: Promise<string>, prefix: string): Promise<number | undefined> {
  const line = (await text).split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

describe('request counts and the in-flight gauge', () => {
  const OK = 'connectors_api_requests_total{route="resources",dispatch="api",connectorclass="git",code="200"}';
  const DENIED = 'connectors_api_requests_total{route="resources",dispatch="none",connectorclass="",code="403"}';
  const IN_FLIGHT = 'connectors_api_requests_in_flight';

  it('reach the scrape summed per label set, and keep counting up across scrapes', async () => {
    const metrics = createMetrics({ collectDefaults: false });
    const record = metricRecorders(metrics);
    for (let i = 0; i < 3; i++) record.started();
    record.request('resources', 'api', 'git', 200, 0.01);
    record.request('resources', 'api', 'git', 200, 0.02);
    record.request('resources', 'none', '', 403, 0.001);
    expect(await scraped(metrics.registry.metrics(), OK)).toBe(2);
    expect(await scraped(metrics.registry.metrics(), DENIED)).toBe(1);
    record.started();
    record.request('resources', 'api', 'git', 200, 0.03);
    expect(await scraped(metrics.registry.metrics(), OK)).toBe(3);
    expect(await scraped(metrics.registry.metrics(), 'connectors_api_request_duration_seconds_count{route="resources",dispatch="api"}')).toBe(3);
  });

  it('the gauge shows the requests begun and not yet ended, at every scrape', async () => {
    const metrics = createMetrics({ collectDefaults: false });
    const record = metricRecorders(metrics);
    expect(await scraped(metrics.registry.metrics(), IN_FLIGHT)).toBe(0);
    for (let i = 0; i < 3; i++) record.started();
    expect(await scraped(metrics.registry.metrics(), IN_FLIGHT)).toBe(3);
    record.request('resources', 'api', 'git', 200, 0.01);
    expect(await scraped(metrics.registry.metrics(), IN_FLIGHT)).toBe(2);
    expect((await metrics.inFlight.get()).values).toEqual([{ labels: {}, value: 2 }]);
  });
});
