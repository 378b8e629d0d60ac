/**
 * Raw node:http clients for the integration tests: the request-target is sent exactly as given (no URL parsing or
 * re-encoding on our side, unlike supertest/superagent), with a fresh connection each time (`agent: false`) and
 * every wait bounded. `send` never rejects, so broken answers can be inspected; `sendStrict` rejects on a
 * connection error or timeout and reports whether the server sent `100 Continue` first.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Empty when `hashOnly` was set. */
  body: Buffer;
  /** Bytes of body received. */
  bytes: number;
  sha256: string;
  /** True only when the response ended cleanly (all announced bytes, no connection error). */
  complete: boolean;
  /** A connection error before or during the response, if any. */
  error?: string;
  elapsedMs: number;
}

export interface SendOptions {
  method?: string;
  /** Bearer token, sent as given (even empty); undefined or null sends no Authorization header. Default: none. */
  token?: string | null;
  headers?: http.OutgoingHttpHeaders;
  /** Sent with Content-Length. */
  body?: Buffer | string;
  /** Default 8000. */
  timeoutMs?: number;
  /** Hash the body as it arrives instead of keeping it (large answers). */
  hashOnly?: boolean;
}

/** Sends `target` exactly as given with node:http (no agent) and reads the answer; never rejects. */
export function send(baseUrl: string, target: string, opts: SendOptions = {}): Promise<Answer> {
  const { hostname, port } = new URL(baseUrl);
  const body = opts.body === undefined ? undefined : Buffer.from(opts.body);
  const headers: http.OutgoingHttpHeaders = {
    ...(typeof opts.token === 'string' ? { authorization: `Bearer ${opts.token}` } : {}),
    ...(body === undefined ? {} : { 'content-length': String(body.length) }),
    ...opts.headers,
  };
  const started = Date.now();
  return new Promise((resolve) => {
    let settled = false;
    let status = 0;
    let answerHeaders: http.IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    const hash = createHash('sha256');
    let bytes = 0;
    const settle = (complete: boolean, error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ status, headers: answerHeaders, body: Buffer.concat(chunks), bytes, sha256: hash.digest('hex'), complete, error: error?.message, elapsedMs: Date.now() - started });
    };
    const req = http.request({ host: hostname.replace(/^\[(.*)\]$/, '$1'), port, path: target, method: opts.method ?? 'GET', headers, agent: false });
    const timer = setTimeout(() => {
      req.destroy();
      settle(false, new Error('client timeout'));
    }, opts.timeoutMs ?? 8000);
    req.on('error', (err) => settle(false, err));
    req.on('response', (res) => {
      status = res.statusCode ?? 0;
      answerHeaders = res.headers;
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        hash.update(c);
        if (!opts.hashOnly) chunks.push(c);
      });
      res.on('error', (err) => settle(false, err));
      res.on('aborted', () => settle(false, new Error('response aborted')));
      res.on('end', () => settle(res.complete));
      res.on('close', () => settle(res.complete && !res.errored));
    });
    req.end(body);
  });
}

export interface StrictAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** Whether the server sent `100 Continue` first. */
  continued: boolean;
}

export interface StrictOptions {
  method?: string;
  headers?: http.OutgoingHttpHeaders;
  /** Announced with Content-Length unless `headers` sets content-length or transfer-encoding. */
  body?: string;
  /** Destroy the connection once the answer is read, so none is left behind when the headers asked for keep-alive. */
  destroyAfter?: boolean;
}

/**
 * Sends `target` exactly as given with node:http (no agent) and reads the whole answer; rejects on a connection
 * error, or when no complete answer came within 5 s.
 */
export function sendStrict(baseUrl: string, target: string, opts: StrictOptions = {}): Promise<StrictAnswer> {
  const { port } = new URL(baseUrl);
  const method = opts.method ?? 'GET';
  return new Promise((resolve, reject) => {
    const headers = { ...opts.headers };
    // node:http sends e.g. a DELETE body without Content-Length unless told; announce it like a real client would.
    if (opts.body !== undefined && headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) {
      headers['content-length'] = Buffer.byteLength(opts.body);
    }
    let continued = false;
    const req = http.request({ host: '127.0.0.1', port, path: target, method, headers, agent: false });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within 5 s for ${method} ${target.slice(0, 120)}`)), 5000);
    req.on('continue', () => (continued = true));
    req.on('error', (err) => (clearTimeout(timer), reject(err)));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err) => (clearTimeout(timer), reject(err)));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), continued });
        if (opts.destroyAfter) req.destroy();
      });
    });
    req.end(opts.body);
  });
}
