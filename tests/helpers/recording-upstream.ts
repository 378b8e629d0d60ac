/**
 * A fake upstream (ConnectorClass API or tool) for integration tests: it records every request exactly as it
 * arrived and answers from a script. By default it enforces the X-Plugin-Meta contract (style rule 10), so a
 * wrong header fails visibly instead of passing silently.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** The raw request-target exactly as received, undecoded (path + query). */
  url: string;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
}

export interface UpstreamReply {
  status?: number; // default 200
  headers?: Record<string, string>; // Content-Type defaults to application/json when not given
  body?: string | Buffer; // default: a one-item conformant list
  delayMs?: number; // wait this long before sending headers
  destroy?: 'before-headers' | 'mid-body'; // simulate an upstream that dies
}

export interface RecordingUpstream {
  url: string; // http://127.0.0.1:PORT
  requests: RecordedRequest[];
  reset(): void;
  stop(): Promise<void>;
}

export interface RecordingUpstreamOptions {
  /** Answer 400 unless X-Plugin-Meta is base64 JSON with a string baseURL. Default true; false for tool fakes. */
  enforcePluginMeta?: boolean;
  /** Loopback address to listen on: '127.0.0.1' (default) or '::1'. */
  host?: '127.0.0.1' | '::1';
}

export const DEFAULT_BODY = '{"listMeta":{"totalItems":1},"items":[{"ok":true}]}';
export const BAD_META_BODY = 'recording-upstream: bad X-Plugin-Meta';
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function hasValidPluginMeta(headers: http.IncomingHttpHeaders): boolean {
  const value = headers['x-plugin-meta'];
  if (typeof value !== 'string' || value === '' || !STRICT_BASE64.test(value)) return false;
  try {
    const meta: unknown = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
    return typeof meta === 'object' && meta !== null && typeof (meta as { baseURL?: unknown }).baseURL === 'string';
  } catch {
    return false;
  }
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === name);
}

/** Starts a recording upstream on 127.0.0.1 (or ::1) with a free port. */
export async function startRecordingUpstream(
  reply: (req: RecordedRequest) => UpstreamReply | Promise<UpstreamReply> = () => ({}),
  options: RecordingUpstreamOptions = {},
): Promise<RecordingUpstream> {
  const enforce = options.enforcePluginMeta ?? true;
  const host = options.host ?? '127.0.0.1';
  const requests: RecordedRequest[] = [];
  const waits = new Map<NodeJS.Timeout, () => void>(); // pending delayMs timers, released by stop()
  let closing = false;
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => (waits.delete(t), resolve()), ms);
      waits.set(t, resolve);
    });

  async function respond(recorded: RecordedRequest, res: http.ServerResponse): Promise<void> {
    if (enforce && !hasValidPluginMeta(recorded.headers)) {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' }).end(BAD_META_BODY);
      return;
    }
    let r: UpstreamReply;
    try {
      r = await reply(recorded);
    } catch (err) {
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`recording-upstream: reply threw: ${String(err)}`);
      return;
    }
    if (r.delayMs) await wait(r.delayMs);
    if (closing || res.destroyed || res.socket?.destroyed !== false) return; // client or stop() ended it meanwhile
    if (r.destroy === 'before-headers') {
      res.socket?.destroy();
      return;
    }
    const code = r.status ?? 200;
    const raw = code === 204 || code === 304 ? '' : (r.body ?? DEFAULT_BODY); // those codes never carry a body
    const body = Buffer.from(r.destroy === 'mid-body' && raw.length < 2 ? DEFAULT_BODY : raw); // something to cut
    const headers = { ...r.headers };
    if (!hasHeader(headers, 'content-type')) headers['Content-Type'] = 'application/json';
    const bodyless = code === 204 || code === 304;
    if (!bodyless && !hasHeader(headers, 'content-length') && !hasHeader(headers, 'transfer-encoding')) {
      headers['Content-Length'] = String(body.length); // announce the full length, so a cut body is detectable
    }
    res.writeHead(code, headers);
    if (r.destroy === 'mid-body') {
      res.write(body.subarray(0, Math.max(1, Math.floor(body.length / 2))), () => res.socket?.destroy());
      return;
    }
    res.end(body);
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    const record = (): RecordedRequest => {
      const recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks),
      };
      requests.push(recorded);
      return recorded;
    };
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void respond(record(), res));
    req.on('close', () => void (req.complete || record())); // died mid-upload: keep what arrived, answer nothing
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  let stopped: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    requests,
    reset: () => void requests.splice(0, requests.length),
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        closing = true;
        server.close(() => resolve());
        server.closeAllConnections(); // destroys open (keep-alive or in-flight) sockets
        for (const [t, release] of waits) (clearTimeout(t), release());
        waits.clear();
      })),
  };
}
