import net from 'node:net';
import { ALICE, resourcesPath, startHarness, type Harness } from '../../helpers/harness.js';

/** Writes raw bytes and reads until the server closes, bounded in time. */
function rawExchange(url: string, request: string): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1');
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close within 5 s; got ${answer.slice(0, 200)}`));
    }, 5000);
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
    socket.on('error', () => undefined);
    socket.write(request);
  });
}

function statusOf(answer: string): { code: number; body: Record<string, unknown> } {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  expect(head).toMatch(/content-type: application\/json/i);
  // Like every other answer, with a request id (a new one: the request's headers were never parsed).
  expect(head).toMatch(/\r\nx-request-id: [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\r\n/i);
  return { code: Number(head.split(' ')[1]), body: JSON.parse(body) as Record<string, unknown> };
}

describe("requests Node's HTTP parser refuses are answered as Status too", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('answers 431 Status to oversized headers', async () => {
    const answer = await rawExchange(h.url, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    const { code, body } = statusOf(answer);
    expect(code).toBe(431);
    expect(body).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 431 });
  });

  it('answers 431 Status to a 16 KiB Authorization header, and nothing reaches the upstream', async () => {
    h.upstream.reset();
    const answer = await rawExchange(h.url, `GET ${resourcesPath('team-a', 'git1', 'gitrefs')} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${'A'.repeat(16 * 1024)}\r\n\r\n`);
    expect(statusOf(answer).code).toBe(431);
    expect(h.upstream.requests).toHaveLength(0);
  });

  it('answers 400 Status to conflicting Content-Length and Transfer-Encoding, and nothing reaches the upstream', async () => {
    h.upstream.reset();
    const target = resourcesPath('team-a', 'git1', 'gitrefs');
    const answer = await rawExchange(
      h.url,
      `GET ${target} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ALICE}\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    );
    const { code, body } = statusOf(answer);
    expect(code).toBe(400);
    expect(body).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
    expect(h.upstream.requests).toHaveLength(0);
  });

  const withFields = (count: number, target: string, first: string[]) =>
    `GET ${target} HTTP/1.1\r\n${[...first, ...Array.from({ length: count - first.length }, (_, i) => `X-F${i}: v`)].join('\r\n')}\r\nConnection: close\r\n\r\n`;

  it.each([101, 300])('answers 431 Status to %d header fields (Node would drop the extras), and nothing reaches the upstream', async (count) => {
    h.upstream.reset();
    const target = resourcesPath('team-a', 'git1', 'gitrefs');
    const answer = await rawExchange(h.url, withFields(count - 1, target, ['Host: x', `Authorization: Bearer ${ALICE}`]));
    const { code, body } = statusOf(answer);
    expect(code).toBe(431);
    expect(body).toMatchObject({ kind: 'Status', code: 431, message: 'too many request header fields: at most 100 are accepted' });
    expect(h.upstream.requests).toHaveLength(0);
  });

  it('serves a request with exactly 100 header fields', async () => {
    h.upstream.reset();
    const target = resourcesPath('team-a', 'git1', 'gitrefs');
    const answer = await rawExchange(h.url, withFields(99, target, ['Host: x', `Authorization: Bearer ${ALICE}`]));
    expect(answer.split(' ')[1]).toBe('200');
    expect(h.upstream.requests).toHaveLength(1);
  });

  it('answers 400 Status to a malformed request line', async () => {
    const { code, body } = statusOf(await rawExchange(h.url, 'GET\r\n\r\n'));
    expect(code).toBe(400);
    expect(body).toMatchObject({ kind: 'Status', code: 400 });
  });
});
