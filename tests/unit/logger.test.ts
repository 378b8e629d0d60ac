import { createLogger, CREDENTIALS, type Logger } from '../../src/logger.js';
import { createCaptureTransport } from '../helpers/log-capture.js';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl';

let capture: ReturnType<typeof createCaptureTransport>;
let logger: Logger;

beforeEach(() => {
  capture = createCaptureTransport();
  logger = createLogger('debug', [capture.transport]);
});

afterEach(() => {
  // every line the logger wrote is one valid JSON object and no line holds the secret material
  for (const line of capture.lines()) {
    expect(() => JSON.parse(line)).not.toThrow();
    expect(line).not.toContain(TOKEN);
    expect(line).not.toContain('hunter2');
  }
  logger.close();
});

const entries = (): Record<string, unknown>[] => capture.lines().map((line) => JSON.parse(line) as Record<string, unknown>);
const only = (): Record<string, unknown> => {
  const all = entries();
  expect(all).toHaveLength(1);
  return all[0] as Record<string, unknown>;
};

describe('createLogger redaction', () => {
  it.each([
    ['authorization', `Bearer ${TOKEN}`],
    ['Authorization', `Bearer ${TOKEN}`],
    ['x-plugin-secret', TOKEN],
    ['x-plugin-auth', TOKEN],
    ['token', TOKEN],
    ['accessToken', TOKEN],
    ['password', 'hunter2'],
    ['cookie', `session=${TOKEN}`],
    ['clientSecret', 'hunter2'],
  ])('a top-level field named %s is redacted', (field, value) => {
    logger.info('request', { [field]: value, status: 200 });
    expect(only()).toMatchObject({ level: 'info', message: 'request', [field]: '[REDACTED]', status: 200 });
  });

  it.each([
    ['authorization', `Bearer ${TOKEN}`],
    ['x-plugin-secret', TOKEN],
    ['token', TOKEN],
    ['password', 'hunter2'],
  ])('a nested field named %s is redacted at any depth', (field, value) => {
    logger.info('upstream', { req: { headers: { [field]: value, accept: 'application/json' } }, list: [{ [field]: value, n: 1 }] });
    expect(only()).toMatchObject({
      req: { headers: { [field]: '[REDACTED]', accept: 'application/json' } },
      list: [{ [field]: '[REDACTED]', n: 1 }],
    });
  });

  it('masks the credentials an entry names under CREDENTIALS in every text, at any depth, and never writes them out', () => {
    const path = `/connectors/v1alpha1/namespaces/a/connectors/b/resources/${TOKEN}/x`;
    logger.warn('upstream request failed', { path, error: new Error(`refused: ${TOKEN}`), nested: { list: [`pw hunter2!`] }, [CREDENTIALS]: [TOKEN, 'hunter2', 'abc'] });
    expect(only()).toEqual({
      level: 'warn',
      message: 'upstream request failed',
      path: '/connectors/v1alpha1/namespaces/a/connectors/b/resources/[REDACTED]/x',
      error: { name: 'Error', message: 'refused: [REDACTED]' },
      nested: { list: ['pw [REDACTED]!'] },
      timestamp: expect.any(String),
    });
  });

  // Flat entries like the access line: each row is one such entry, and only the field that quotes a credential
  // changes.
  it.each([
    ['nothing to mask', { requestId: 'r-1', method: 'GET', path: '/a/b', status: 200, user: 'alice', dispatch: 'api' }, {}],
    ['the caller\'s token in the path', { requestId: 'r-2', path: `/x/${TOKEN}/y`, status: 400 }, { path: '/x/[REDACTED]/y' }],
    ['a credential in the last string field only', { a: 'plain', b: 'also plain', c: 'pw=hunter2' }, { c: 'pw=[REDACTED]' }],
    ['a client request id equal to a credential', { requestId: 'hunter2-id-hunter2', status: 200 }, { requestId: '[REDACTED]-id-[REDACTED]' }],
    ['Bearer text in a field', { detail: 'sent Bearer abc.def', status: 502 }, { detail: 'sent Bearer [REDACTED]' }],
    ['a credential-named field', { status: 200, sessionToken: 'opaque' }, { sessionToken: '[REDACTED]' }],
    ['a credential split across two fields is not one', { a: TOKEN.slice(0, 20), b: TOKEN.slice(20) }, {}],
  ] as const)('a flat entry with %s', (_what, fields, masked) => {
    logger.info('request', { ...fields, [CREDENTIALS]: [TOKEN, 'hunter2'] });
    expect(only()).toEqual({ level: 'info', message: 'request', ...fields, ...masked, timestamp: expect.any(String) });
  });

  it('leaves credentials shorter than four characters alone: they would blank out ordinary words', () => {
    logger.info('request', { method: 'GET', [CREDENTIALS]: ['GET'] });
    expect(only()).toMatchObject({ method: 'GET' });
  });

  it('does not modify the objects the caller passed in', () => {
    const meta = { req: { headers: { authorization: `Bearer ${TOKEN}` } } };
    logger.info('x', meta);
    expect(meta.req.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it.each([
    [`calling upstream with Bearer ${TOKEN}`, 'calling upstream with Bearer [REDACTED]'],
    ['header was Bearer abc.def', 'header was Bearer [REDACTED]'],
    ['bearer abc.def then more', 'bearer [REDACTED] then more'],
    ['Basic YWRtaW46aHVudGVyMg==', 'Basic [REDACTED]'],
    ['no credentials here', 'no credentials here'],
  ])('message %j is logged as %j', (message, logged) => {
    logger.warn(message);
    expect(only()).toMatchObject({ level: 'warn', message: logged });
  });

  it('masks credentials inside string fields that are not named like secrets', () => {
    logger.info('x', { detail: `Authorization: Bearer ${TOKEN}`, nested: { why: 'sent Bearer abc.def' } });
    expect(only()).toMatchObject({ detail: 'Authorization: Bearer [REDACTED]', nested: { why: 'sent Bearer [REDACTED]' } });
  });

  it('an Error in a field keeps its name and a masked message', () => {
    logger.error('review failed', { err: new Error(`TokenReview for Bearer ${TOKEN} failed`) });
    expect(only()).toMatchObject({ level: 'error', message: 'review failed', err: { name: 'Error', message: 'TokenReview for Bearer [REDACTED] failed' } });
  });

  it('an Error passed as metadata has its message and stack masked', () => {
    logger.error('review failed:', new Error(`token Bearer ${TOKEN} rejected`));
    const entry = only();
    expect(entry.message).toBe('review failed: token Bearer [REDACTED] rejected');
    expect(String(entry.stack)).toContain('Bearer [REDACTED]');
  });

  it('an Error logged on its own does not leak the token', () => {
    logger.error(new Error(`Bearer ${TOKEN} rejected`));
    expect(entries()).toHaveLength(1);
  });

  it('child logger metadata is redacted too', () => {
    logger.child({ token: TOKEN, requestId: 'r1' }).info('child');
    expect(only()).toMatchObject({ token: '[REDACTED]', requestId: 'r1', message: 'child' });
  });

  it('every line is a single valid JSON object with level, message and timestamp', () => {
    logger.info('a', { n: 1 });
    logger.warn('b\nwith "quotes" and \u0001 control');
    logger.debug('c', { deep: { deeper: { deepest: { x: [1, { y: 2 }] } } } });
    const lines = capture.lines();
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(line.includes('\n')).toBe(false);
      const entry = JSON.parse(line) as Record<string, unknown>;
      expect(typeof entry.level).toBe('string');
      expect(typeof entry.message).toBe('string');
      expect(Number.isNaN(Date.parse(String(entry.timestamp)))).toBe(false);
    }
  });

  it('the timestamp is the time of logging, in ISO 8601 UTC, and moves on with the clock', async () => {
    const before = Date.now();
    logger.info('first');
    await new Promise((resolve) => setTimeout(resolve, 5));
    logger.info('second');
    const after = Date.now();
    const stamps = entries().map((entry) => String(entry.timestamp));
    expect(stamps).toHaveLength(2);
    for (const stamp of stamps) {
      expect(stamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Date.parse(stamp)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(stamp)).toBeLessThanOrEqual(after);
    }
    expect(Date.parse(stamps[1] as string)).toBeGreaterThan(Date.parse(stamps[0] as string));
  });

  it.each([
    ['info', ['error', 'warn', 'info']],
    ['warn', ['error', 'warn']],
    ['error', ['error']],
  ])('level %s keeps only %j', (level, kept) => {
    const own = createCaptureTransport();
    const l = createLogger(level, [own.transport]);
    l.error('e');
    l.warn('w');
    l.info('i');
    l.debug('d');
    expect(own.lines().map((line) => (JSON.parse(line) as { level: string }).level)).toEqual(kept);
    l.close();
  });
});
