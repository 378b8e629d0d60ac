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
