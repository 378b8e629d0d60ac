/**
 * Fake servers and raw clients for the fault-injection suites (tests/integration/faults): upstreams that hang,
 * reset, trickle or stream without end, a transparent TCP proxy that delays what the client sends, and clients
 * that send exactly the bytes given and report broken answers instead of throwing (`send` lives in raw-client.ts,
 * re-exported here). Everything listens on 127.0.0.1 (or ::1) only, every wait is bounded, and every server has a
 * stop() that destroys its sockets.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';

// ───────────────────────────── clients ─────────────────────────────

export { send, type Answer, type SendOptions } from './raw-client.js';

export interface RawResponse {
  status: number;
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
  /** Informational (1xx) heads seen before the final answer. */
  informational: number[];
}

export interface RawExchange {
  /** Everything the server wrote, as received. */
  raw: Buffer;
  /** The final answer, when one could be parsed from `raw`. */
  response?: RawResponse;
  /** Why reading stopped: the server closed, or our bound ran out. */
  ended: 'closed' | 'timeout';
}

/**
 * Writes `request` byte for byte on a fresh TCP connection and reads until the server closes (send
 * `Connection: close`), bounded in time; then parses the last answer (1xx heads skipped, chunked decoded).
 * `head` tells the parser not to expect a body.
 */
export function rawExchange(baseUrl: string, request: Buffer | string, opts: { timeoutMs?: number; head?: boolean } = {}): Promise<RawExchange> {
  const { port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(Number(port), '127.0.0.1');
    let ended: RawExchange['ended'] = 'closed';
    const timer = setTimeout(() => {
      ended = 'timeout';
      socket.destroy();
    }, opts.timeoutMs ?? 5000);
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', () => undefined); // a reset is an ending like any other; the caller judges `raw`
    socket.on('close', () => {
      clearTimeout(timer);
      const raw = Buffer.concat(chunks);
      resolve({ raw, response: parseResponses(raw, opts.head ?? false), ended });
    });
    socket.write(typeof request === 'string' ? Buffer.from(request, 'latin1') : request);
  });
}

function parseResponses(raw: Buffer, head: boolean): RawResponse | undefined {
  let offset = 0;
  const informational: number[] = [];
  for (let guard = 0; guard < 10; guard++) {
    const end = raw.indexOf('\r\n\r\n', offset, 'latin1');
    if (end < 0) return undefined;
    const lines = raw.subarray(offset, end).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1] ?? NaN);
    if (Number.isNaN(status)) return undefined;
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    offset = end + 4;
    if (status >= 100 && status < 200) {
      informational.push(status);
      continue;
    }
    const rest = raw.subarray(offset);
    let body: Buffer;
    if (head || status === 204 || status === 304) body = Buffer.alloc(0);
    else if (/chunked/i.test(headers['transfer-encoding'] ?? '')) body = decodeChunked(rest);
    else if (headers['content-length'] !== undefined) body = rest.subarray(0, Number(headers['content-length']));
    else body = rest;
    return { status, headers, body, informational };
  }
  return undefined;
}

function decodeChunked(data: Buffer): Buffer {
  const out: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', offset, 'latin1');
    if (lineEnd < 0) break;
    const size = parseInt(data.subarray(offset, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    out.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(out);
}

// ───────────────────────────── servers ─────────────────────────────

/** Common shape of the servers here: an address to publish, what they saw, and a stop that frees everything. */
export interface FaultServer {
  readonly url: string;
  readonly port: number;
  /** Connections accepted so far. */
  accepted(): number;
  /** Connections currently open. */
  open(): number;
  /** Epoch ms at which each accepted connection closed (undefined while open), in accept order. */
  closedAt(): (number | undefined)[];
  stop(): Promise<void>;
}

interface TrackedNetServer {
  server: net.Server;
  track(socket: net.Socket): void;
  api(host: string): Promise<FaultServer>;
}

function tracked(server: net.Server): TrackedNetServer {
  const sockets = new Set<net.Socket>();
  const closed: (number | undefined)[] = [];
  let accepted = 0;
  const track = (socket: net.Socket) => {
    const index = accepted++;
    closed[index] = undefined;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      sockets.delete(socket);
      closed[index] = Date.now();
    });
  };
  const api = async (host: string): Promise<FaultServer> => {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => resolve());
    });
    const { port } = server.address() as net.AddressInfo;
    let stopped: Promise<void> | undefined;
    return {
      url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
      port,
      accepted: () => accepted,
      open: () => sockets.size,
      closedAt: () => [...closed],
      stop: () =>
        (stopped ??= new Promise<void>((resolve) => {
          server.close(() => resolve());
          for (const socket of sockets) socket.destroy();
        })),
    };
  };
  return { server, track, api };
}

/** Accepts connections, reads whatever comes, and never answers. */
export async function startHangingServer(): Promise<FaultServer> {
  const t = tracked(
    net.createServer((socket) => {
      t.track(socket);
      socket.on('data', () => undefined);
    }),
  );
  return t.api('127.0.0.1');
}

/**
 * A raw TCP upstream: once a request head (up to the blank line) has arrived on a connection, `script` gets the
 * socket and the head and writes whatever bytes it likes (or resets). One script run per connection.
 */
export async function startRawServer(script: (socket: net.Socket, head: string) => void): Promise<FaultServer> {
  const t = tracked(
    net.createServer((socket) => {
      t.track(socket);
      let head = '';
      let answered = false;
      socket.on('data', (d: Buffer) => {
        if (answered) return;
        head += d.toString('latin1');
        if (head.includes('\r\n\r\n')) {
          answered = true;
          script(socket, head);
        }
      });
    }),
  );
  return t.api('127.0.0.1');
}

/** Writes `bytes` one at a time every `intervalMs`, then ends; stops early if the socket goes away. */
export function trickle(socket: net.Socket, bytes: Buffer, intervalMs: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || i >= bytes.length) {
      clearInterval(timer);
      if (!socket.destroyed) socket.end();
      return;
    }
    socket.write(bytes.subarray(i, i + 1));
    i++;
  }, intervalMs);
  socket.once('close', () => clearInterval(timer));
}

export interface StreamingServer extends FaultServer {
  /** sha256 of the full body every request is answered with (computed once, by generating it). */
  readonly sha256: string;
  readonly size: number;
}

/**
 * Answers every request with `size` bytes of deterministic pseudo-random data, generated chunk by chunk with
 * back-pressure (never held in memory as a whole), with Content-Length.
 */
export async function startStreamingServer(size: number, contentType = 'application/octet-stream'): Promise<StreamingServer> {
  const CHUNK = 64 * 1024;
  const block = createHash('sha512').update('seed').digest();
  const chunkAt = (index: number, length: number): Buffer => {
    const out = Buffer.allocUnsafe(length);
    for (let o = 0; o < length; o += block.length) block.copy(out, o, 0, Math.min(block.length, length - o));
    out.writeUInt32BE(index >>> 0, 0); // each chunk differs: a dropped or repeated chunk changes the hash
    return out;
  };
  const hash = createHash('sha256');
  for (let sent = 0, i = 0; sent < size; sent += CHUNK, i++) hash.update(chunkAt(i, Math.min(CHUNK, size - sent)));
  const sha256 = hash.digest('hex');
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const closed: (number | undefined)[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': contentType, 'content-length': String(size) });
    let sent = 0;
    let i = 0;
    const pump = () => {
      while (sent < size) {
        const length = Math.min(CHUNK, size - sent);
        const ok = res.write(chunkAt(i++, length));
        sent += length;
        if (!ok) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    res.on('close', () => res.off('drain', pump));
    pump();
  });
  server.on('connection', (socket: net.Socket) => {
    const index = accepted++;
    closed[index] = undefined;
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      closed[index] = Date.now();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  let stopped: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    sha256,
    size,
    accepted: () => accepted,
    open: () => sockets.size,
    closedAt: () => [...closed],
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      })),
  };
}

export interface ObservedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  startedAt: number;
  /** Body bytes received so far. */
  received: number;
  /** The request body arrived in full. */
  complete: boolean;
  /** When the request stream closed (end or abort). */
  requestClosedAt?: number;
  /** When our response stream closed, and whether it had finished by then. */
  responseClosedAt?: number;
  responseFinished: boolean;
  /** When the TCP connection carrying it closed. */
  socketClosedAt?: number;
}

export interface ObservedTool {
  readonly url: string;
  readonly requests: ObservedRequest[];
  /** Open TCP connections to this server (idle keep-alive ones included). */
  open(): number;
  /** TCP connections this server has accepted so far. */
  accepted(): number;
  reset(): void;
  stop(): Promise<void>;
}

/**
 * An HTTP tool that records each request's lifecycle (body bytes, request/response/socket close) so a test can
 * see whether the service aborted it. Paths: `/upload…` reads the body and answers when it ends; `/download…`
 * streams 1 KiB every 50 ms for at most 10 s; anything else answers 200 `{"ok":true}` at once.
 */
export async function startObservedTool(): Promise<ObservedTool> {
  const requests: ObservedRequest[] = [];
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    const seen: ObservedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, startedAt: Date.now(), received: 0, complete: false, responseFinished: false };
    requests.push(seen);
    req.on('data', (c: Buffer) => (seen.received += c.length));
    req.on('end', () => (seen.complete = true));
    req.on('close', () => (seen.requestClosedAt = Date.now()));
    res.on('close', () => {
      seen.responseClosedAt = Date.now();
      seen.responseFinished = res.writableFinished;
    });
    req.socket.once('close', () => (seen.socketClosedAt ??= Date.now()));
    if (seen.url.startsWith('/upload')) {
      req.on('end', () => res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ received: seen.received })));
      return;
    }
    // /download (the tool) and /class-api/download (the ConnectorClass API, a JSON list the service collects to
    // normalise): 1 KiB every 50 ms for 10 s, unless the service goes away first.
    const json = seen.url.startsWith('/class-api/download');
    if (seen.url.startsWith('/download') || json) {
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/octet-stream' });
      if (json) res.write('[');
      let n = 0;
      const timer = setInterval(() => {
        if (res.destroyed || n++ >= 200) {
          clearInterval(timer);
          timers.delete(timer);
          if (!res.destroyed) res.end(json ? ']' : undefined);
          return;
        }
        res.write(json ? `${n > 1 ? ',' : ''}"${'a'.repeat(1020)}"` : Buffer.alloc(1024, 0x61));
      }, 50);
      timers.add(timer);
      res.on('close', () => (clearInterval(timer), timers.delete(timer)));
      req.resume();
      return;
    }
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
  });
  server.keepAliveTimeout = 60_000; // idle agent sockets stay until the service closes them: they must not pile up
  let accepted = 0;
  server.on('connection', (socket: net.Socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  let stopped: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    open: () => sockets.size,
    accepted: () => accepted,
    reset: () => void requests.splice(0, requests.length),
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearInterval(timer);
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      })),
  };
}

export interface DelayProxy {
  readonly port: number;
  /** Delay applied to every chunk the client sends from now on (order kept); 0 = pass straight through. */
  setDelay(ms: number): void;
  /** Client connections currently open. */
  open(): number;
  stop(): Promise<void>;
}

/**
 * A transparent TCP proxy on 127.0.0.1 in front of `targetPort`: bytes pass unchanged (TLS still verifies
 * end to end), but whatever the client sends is held `delay` ms first, so every request (and handshake) is slow
 * while answers already under way are not.
 */
export async function startDelayProxy(targetPort: number): Promise<DelayProxy> {
  let delayMs = 0;
  const pairs = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    pairs.add(client);
    pairs.add(upstream);
    let releaseAt = 0; // FIFO: a chunk never overtakes an earlier one
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      releaseAt = Math.max(Date.now() + delayMs, releaseAt);
      const wait = releaseAt - Date.now();
      if (wait <= 0) {
        upstream.write(chunk);
        return;
      }
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!upstream.destroyed) upstream.write(chunk);
      }, wait);
      timers.add(timer);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!client.destroyed) client.write(chunk);
    });
    for (const s of [client, upstream]) {
      s.on('error', close);
      s.on('close', () => {
        pairs.delete(s);
        close();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  let stopped: Promise<void> | undefined;
  return {
    port,
    setDelay: (ms) => void (delayMs = ms),
    open: () => pairs.size / 2,
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.close(() => resolve());
        for (const s of pairs) s.destroy();
      })),
  };
}

// ───────────────────────────── process state ─────────────────────────────

/** Open TCP sockets of this process (client and server ends alike), from the active-resource list. */
export function tcpSocketCount(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
}

/** A TCP port that was free on ::1 a moment ago (listen on :0, read it, close). */
export function freePortV6(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '::1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}

/** Parses `text` as a full metav1.Status whose code is `httpStatus`; returns a reason it is not, or undefined. */
export function notAStatus(httpStatus: number, contentType: string | undefined, text: string): string | undefined {
  if (!/^application\/json\b/i.test(contentType ?? '')) return `content-type ${String(contentType)}`;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return `body is not JSON: ${text.slice(0, 120)}`;
  }
  const keys = Object.keys(body).sort().join(',');
  if (keys !== 'apiVersion,code,kind,message,metadata,reason,status' && keys !== 'apiVersion,code,details,kind,message,metadata,reason,status') return `keys ${keys}`;
  if (body.kind !== 'Status' || body.apiVersion !== 'v1' || body.status !== 'Failure') return `kind/apiVersion/status ${String(body.kind)}/${String(body.apiVersion)}/${String(body.status)}`;
  if (typeof body.metadata !== 'object' || body.metadata === null || Object.keys(body.metadata).length !== 0) return 'metadata is not {}';
  if (body.code !== httpStatus) return `code ${String(body.code)} != HTTP ${httpStatus}`;
  if (typeof body.message !== 'string' || body.message === '') return 'empty message';
  if (typeof body.reason !== 'string') return 'reason is not a string';
  return undefined;
}
