/**
 * Upstream faults (issue 4, "Faults → Upstream"): each ConnectorClass API failure is injected by a fake server of
 * tests/helpers/fault-servers.ts, published as the API of its own ConnectorClass (one Connector each, so no test
 * waits for an address switch), and the client's answer is asserted on the wire.
 *
 * Already covered elsewhere and not repeated here: 127.0.0.1 nobody listens on, a stopped upstream, a recording
 * upstream that closes (FIN) before its headers or mid-body with Content-Length, a delayed answer → 504
 * (tests/integration/service/proxy-and-normalise.test.ts).
 *
 * DNS failure is not injected: publishing an unresolvable name (even under the reserved `.invalid` TLD) would still
 * send a query to the configured resolver, and these tests stay on loopback. ENOTFOUND and EAI_AGAIN → 503
 * ServiceUnavailable is asserted by the errno table in tests/unit/core/upstream-status.test.ts, and the path that
 * feeds it (the proxy's `error` hook) is the one the refused/reset cases below exercise.
 */
import type { KubeObject } from '../../../emulator/index.js';
import { ALICE, startHarness, waitFor, type Harness } from '../../helpers/harness.js';
import {
  freePortV6,
  send,
  startHangingServer,
  startObservedTool,
  startRawServer,
  startStreamingServer,
  trickle,
  type FaultServer,
  type ObservedTool,
  type StreamingServer,
} from '../../helpers/fault-servers.js';
import { expectStatus } from '../../helpers/status-assertions.js';

const CONNECTORS = 'connectors.alauda.io/v1alpha1';
const UPSTREAM_TIMEOUT_MS = 800;

/** A ConnectorClass whose API is published at `url`, and a Connector `name` in team-a using it. */
function classAndConnector(name: string, url: string): KubeObject[] {
  return [
    { apiVersion: CONNECTORS, kind: 'ConnectorClass', metadata: { name }, spec: {}, status: { api: { address: { url } } } },
    { apiVersion: CONNECTORS, kind: 'Connector', metadata: { name, namespace: 'team-a' }, spec: { connectorClassName: name, address: `https://${name}.example.com` } },
  ];
}

const target = (name: string, resource: string): string => `/connectors/v1alpha1/namespaces/team-a/connectors/${name}/resources/${resource}`;
const asAlice = { token: ALICE };

const HEAD_200 = (contentType: string, extra = ''): string => `HTTP/1.1 200 OK\r\nContent-Type: ${contentType}\r\n${extra}Connection: close\r\n\r\n`;
const chunk = (data: string): string => `${Buffer.byteLength(data).toString(16)}\r\n${data}\r\n`;
const TRICKLED_TEXT = Buffer.from('trickled-bytes-0123\n'); // 20 bytes: 1 s at 50 ms each, longer than UPSTREAM_TIMEOUT_MS
const TRICKLED_JSON = Buffer.from('[1,2,3,4,5,6,7,8,99]'); // 20 bytes
// Stalled answers: 200 headers announcing STALL_LENGTH bytes, fewer sent, then nothing (no end, no close).
const STALL_LENGTH = 4096;
const STALLED_TEXT = 'x'.repeat(1024);
const STALLED_JSON = '[{"name":"main"},{"name":"dev"},';

describe('ConnectorClass API faults', () => {
  let h: Harness;
  let refusedUrl: string;
  let hanging: FaultServer;
  let raw: FaultServer;
  let big: StreamingServer;
  let stalling: FaultServer;
  let counting: ObservedTool;

  beforeAll(async () => {
    // Nobody listens on this ::1 port (freePortV6 closed it); IPv6 literal addresses go through the same path.
    refusedUrl = `http://[::1]:${await freePortV6()}/api`;
    hanging = await startHangingServer();
    big = await startStreamingServer(50 * 1024 * 1024);
    // One raw server, its behaviour chosen by the first path segment after /api/.
    raw = await startRawServer((socket, head) => {
      const path = /^[A-Z]+ (\S+)/.exec(head)?.[1] ?? '';
      const what = path.split('/')[2] ?? '';
      switch (what) {
        case 'rst-before-headers':
          socket.resetAndDestroy();
          return;
        case 'rst-mid-body-chunked': {
          socket.write(HEAD_200('application/octet-stream', 'Transfer-Encoding: chunked\r\n') + chunk('a'.repeat(1024)) + chunk('b'.repeat(1024)));
          setTimeout(() => socket.resetAndDestroy(), 100);
          return;
        }
        case 'rst-mid-error-body':
          socket.write('HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: 4000\r\nConnection: close\r\n\r\n' + 'partial error text '.repeat(10));
          setTimeout(() => socket.resetAndDestroy(), 100);
          return;
        case 'trickle-text':
          socket.write(HEAD_200('text/plain', `Content-Length: ${TRICKLED_TEXT.length}\r\n`));
          trickle(socket, TRICKLED_TEXT, 50);
          return;
        case 'trickle-json':
          socket.write(HEAD_200('application/json', `Content-Length: ${TRICKLED_JSON.length}\r\n`));
          trickle(socket, TRICKLED_JSON, 50);
          return;
        case 'invalid-json': {
          const body = decodeURIComponent(path.split('/')[3] ?? '');
          socket.end(HEAD_200('application/json; charset=utf-8', `Content-Length: ${Buffer.byteLength(body)}\r\n`) + body);
          return;
        }
        default:
          socket.end(HEAD_200('application/json', 'Content-Length: 2\r\n') + '[]');
      }
    });
    // Sends 200 headers and part of the body, then stalls: never more bytes, never an end, never a close.
    stalling = await startRawServer((socket, head) => {
      const what = (/^[A-Z]+ (\S+)/.exec(head)?.[1] ?? '').split('/')[2] ?? '';
      const [type, part] = what === 'stall-json' ? ['application/json', STALLED_JSON] : ['application/octet-stream', STALLED_TEXT];
      socket.write(`HTTP/1.1 200 OK\r\nContent-Type: ${type}\r\nContent-Length: ${STALL_LENGTH}\r\n\r\n${part}`);
    });
    counting = await startObservedTool();
    h = await startHarness({
      env: { UPSTREAM_TIMEOUT_MS: String(UPSTREAM_TIMEOUT_MS) },
      objects: [
        ...classAndConnector('f-refused', refusedUrl),
        ...classAndConnector('f-hang', `${hanging.url}/api`),
        ...classAndConnector('f-raw', `${raw.url}/api`),
        ...classAndConnector('f-big', `${big.url}/api`),
        ...classAndConnector('f-stall', `${stalling.url}/api`),
        ...classAndConnector('f-reuse', `${counting.url}/api`),
      ],
    });
    // Warm the review caches, so the timings below measure the upstream only.
    expect((await send(h.url, target('git1', 'gitrefs'), asAlice)).status).toBe(200);
  });
  afterAll(async () => {
    await h?.stop();
    await Promise.all([hanging?.stop(), raw?.stop(), big?.stop(), stalling?.stop(), counting?.stop()]);
  });

  it('connection refused (IPv6 literal [::1], nobody listening) → 503 ServiceUnavailable at once', async () => {
    const res = await send(h.url, target('f-refused', 'gitrefs'), asAlice);
    expect(expectStatus(res, 503, 'ServiceUnavailable').message).toMatch(/ConnectorClass API is unreachable/);
    expect(res.elapsedMs).toBeLessThan(2000);
  });

  it('a failed upstream request is logged with the client path, and a token the path quotes is masked', async () => {
    h.logs.clear();
    const res = await send(h.url, target('f-refused', `repos/${ALICE}/gitrefs`), asAlice);
    expectStatus(res, 503, 'ServiceUnavailable');
    await waitFor(() => h.logs.lines().some((l) => l.includes('upstream request failed')), 2000, 'the warning');
    const warning = JSON.parse(h.logs.lines().find((l) => l.includes('upstream request failed')) as string) as Record<string, unknown>;
    expect(warning.path).toBe(target('f-refused', 'repos/[REDACTED]/gitrefs'));
    await waitFor(() => h.logs.lines().some((l) => l.includes('"message":"request"')), 2000, 'the access line');
    for (const line of h.logs.lines()) expect(line).not.toContain(ALICE);
  });

  it('accept-then-hang → 504 Timeout after UPSTREAM_TIMEOUT_MS, and the hung connection is closed by the service', async () => {
    const before = hanging.accepted();
    const res = await send(h.url, target('f-hang', 'gitrefs'), { ...asAlice, timeoutMs: 5000 });
    expectStatus(res, 504, 'Timeout');
    expect(res.elapsedMs).toBeGreaterThanOrEqual(UPSTREAM_TIMEOUT_MS - 50);
    expect(res.elapsedMs).toBeLessThan(UPSTREAM_TIMEOUT_MS + 1500);
    expect(hanging.accepted()).toBe(before + 1);
    // No socket is left with an upstream that will never answer.
    await waitFor(() => hanging.closedAt()[before] !== undefined, 2000, 'the service to close the hung upstream connection');
  });

  it('TCP reset (RST) before any header → 503 ServiceUnavailable', async () => {
    const res = await send(h.url, target('f-raw', 'rst-before-headers'), asAlice);
    expect(expectStatus(res, 503, 'ServiceUnavailable').message).toMatch(/unreachable/);
  });

  it('RST in the middle of a chunked non-JSON body (no Content-Length to betray it) → the client connection is aborted, never ended cleanly', async () => {
    const res = await send(h.url, target('f-raw', 'rst-mid-body-chunked'), { ...asAlice, timeoutMs: 5000 });
    expect(res.error).not.toBe('client timeout');
    expect(res.status).toBe(200); // the headers were already relayed when the upstream broke
    expect(res.complete).toBe(false);
    expect(res.error).toBeDefined();
    expect(res.bytes).toBeLessThanOrEqual(2048);
  });

  it('RST in the middle of a non-2xx text body → a 503 Status about the broken answer, not the partial text', async () => {
    const res = await send(h.url, target('f-raw', 'rst-mid-error-body'), { ...asAlice, timeoutMs: 5000 });
    const status = expectStatus(res, 503, 'ServiceUnavailable');
    expect(status.message).not.toContain('partial error text');
  });

  it('headers then part of a non-JSON body, then a stall (no end, no close) → the client answer is aborted after UPSTREAM_TIMEOUT_MS idle, and the stalled connection is closed by the service', async () => {
    const before = stalling.accepted();
    const res = await send(h.url, target('f-stall', 'stall-bin'), { ...asAlice, timeoutMs: 5000 });
    expect(res.error).not.toBe('client timeout');
    expect(res.status).toBe(200); // the headers were relayed before the stall
    expect(res.complete).toBe(false);
    expect(res.error).toBeDefined();
    expect(res.bytes).toBeLessThan(STALL_LENGTH);
    expect(res.elapsedMs).toBeGreaterThanOrEqual(UPSTREAM_TIMEOUT_MS - 50);
    expect(res.elapsedMs).toBeLessThan(UPSTREAM_TIMEOUT_MS + 2000);
    expect(stalling.accepted()).toBe(before + 1);
    await waitFor(() => stalling.closedAt()[before] !== undefined, 2000, 'the service to close the stalled upstream connection');
  });

  it('headers then part of a JSON body, then a stall → a 503 Status about the broken-off answer after UPSTREAM_TIMEOUT_MS idle, never a 200', async () => {
    const before = stalling.accepted();
    const res = await send(h.url, target('f-stall', 'stall-json'), { ...asAlice, timeoutMs: 5000 });
    expect(res.error).toBeUndefined();
    expect(res.status).not.toBe(200);
    expect(expectStatus(res, 503, 'ServiceUnavailable').message).toMatch(/broke off its answer/);
    expect(res.body.toString('utf8')).not.toContain('"name":"main"');
    expect(res.elapsedMs).toBeGreaterThanOrEqual(UPSTREAM_TIMEOUT_MS - 50);
    expect(res.elapsedMs).toBeLessThan(UPSTREAM_TIMEOUT_MS + 2000);
    expect(stalling.accepted()).toBe(before + 1);
    await waitFor(() => stalling.closedAt()[before] !== undefined, 2000, 'the service to close the stalled upstream connection');
  });

  it('10 sequential answers from one upstream reuse its connections (≤ 2 accepted), and a client `Connection: close` never reaches the upstream', async () => {
    const acceptedBefore = counting.accepted();
    const seenBefore = counting.requests.length;
    for (let i = 0; i < 10; i++) {
      const res = await send(h.url, target('f-reuse', 'gitrefs'), { ...asAlice, headers: { connection: 'close' }, timeoutMs: 5000 });
      expect(res.status).toBe(200);
      expect(res.complete).toBe(true);
      expect(JSON.parse(res.body.toString('utf8'))).toEqual({ ok: true });
    }
    const seen = counting.requests.slice(seenBefore).map((r) => r.headers);
    expect(seen).toHaveLength(10);
    expect(counting.accepted() - acceptedBefore).toBeGreaterThanOrEqual(1);
    expect(counting.accepted() - acceptedBefore).toBeLessThanOrEqual(2);
    for (const headers of seen) expect(headers.connection ?? '').not.toMatch(/close/i);
  });

  it.each([
    ['non-JSON', 'trickle-text', (body: Buffer) => expect(body.equals(TRICKLED_TEXT)).toBe(true)],
    ['JSON list (normalised once complete)', 'trickle-json', (body: Buffer) => expect(JSON.parse(body.toString('utf8'))).toEqual({ listMeta: { totalItems: 9 }, items: [1, 2, 3, 4, 5, 6, 7, 8, 99] })],
  ])('a slow trickle (%s: 1 byte / 50 ms for ~1 s, longer than UPSTREAM_TIMEOUT_MS but never idle that long) arrives complete', async (_what, path, check) => {
    const res = await send(h.url, target('f-raw', path), { ...asAlice, timeoutMs: 5000 });
    expect(res.status).toBe(200);
    expect(res.complete).toBe(true);
    expect(res.error).toBeUndefined();
    expect(res.elapsedMs).toBeGreaterThan(UPSTREAM_TIMEOUT_MS);
    check(res.body);
  });

  it('a 50 MB non-JSON answer is streamed through intact while the (in-process) service RSS grows by less than 60 MB', async () => {
    const samples: number[] = [];
    const rssBefore = process.memoryUsage().rss;
    const sampler = setInterval(() => samples.push(process.memoryUsage().rss), 20);
    let res;
    try {
      res = await send(h.url, target('f-big', 'archive.bin'), { ...asAlice, hashOnly: true, timeoutMs: 20_000 });
    } finally {
      clearInterval(sampler);
    }
    samples.push(process.memoryUsage().rss);
    expect(res.status).toBe(200);
    expect(res.complete).toBe(true);
    expect(res.bytes).toBe(big.size);
    expect(res.sha256).toBe(big.sha256);
    const growthMb = (Math.max(...samples) - rssBefore) / (1024 * 1024);
    expect(growthMb).toBeLessThan(60);
  });

  it.each([
    ['truncated JSON', '[{"name":"main"},'],
    ['an HTML error page', '<html><body>502 Bad Gateway</body></html>'],
    ['unquoted keys', '{items: [1, 2]}'],
  ])('invalid JSON (%s) with a JSON content type on a list route → 502 Status, and the service stays healthy', async (_what, body) => {
    const res = await send(h.url, `${target('f-raw', `invalid-json/${encodeURIComponent(body)}`)}?page=1&itemsPerPage=5`, asAlice);
    expect(expectStatus(res, 502, '').message).toMatch(/invalid JSON/);
    expect((await send(h.url, '/healthz')).status).toBe(200);
    expect((await send(h.url, target('git1', 'gitrefs'), asAlice)).status).toBe(200);
  });

  it('after all of the above the service is healthy and still serves the working upstream', async () => {
    expect((await send(h.url, '/healthz')).status).toBe(200);
    expect((await send(h.url, '/readyz')).status).toBe(200);
    const res = await send(h.url, target('git1', 'gitrefs'), asAlice);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString('utf8'))).toEqual({ listMeta: { totalItems: 1 }, items: [{ ok: true }] });
  });
});
