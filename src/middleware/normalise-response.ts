import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import zlib from 'node:zlib';
import { UPSTREAM_RESPONSE_HEADERS_NOT_RELAYED } from '../core/header-policy.js';
import { normaliseListBody, type Paging } from '../core/list-shape.js';
import { statusFromUpstream } from '../core/upstream-status.js';
import { StatusError } from '../errors.js';
import { writeStatus, writeStatusError } from './error-handler.js';
import { streamReclaimer } from './stream-memory.js';

export interface NormaliseOptions {
  /** JSON answers larger than this (compressed or not) are relayed unchanged instead of normalised. */
  readonly maxNormaliseBytes: number;
}

// Error bodies only feed a trimmed message: no need to hold more.
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/**
 * Answers a client from a ConnectorClass API response (decisions.md "Responses"): 2xx JSON lists are
 * normalised, conformant ones relayed byte for byte, non-JSON 2xx streamed, non-2xx turned into a Status.
 */
export function relayClassApiResponse(proxyRes: IncomingMessage, req: IncomingMessage, res: ServerResponse, paging: Paging | undefined, options: NormaliseOptions): void {
  const code = proxyRes.statusCode ?? 502;
  const is2xx = code >= 200 && code < 300;
  // Nothing to normalise: no body (HEAD, 204, 304) or a non-JSON success.
  if (hasNoBody(req, code) || (is2xx && !isJson(proxyRes))) return relayUnchanged(proxyRes, req, res);
  const cap = is2xx ? options.maxNormaliseBytes : MAX_ERROR_BODY_BYTES;
  collect(proxyRes, cap, (err, raw, overflow) => {
    if (err) return writeStatusError(res, StatusError.serviceUnavailable('the ConnectorClass API broke off its answer'));
    if (!is2xx) return writeStatus(res, statusFromUpstream(code, decodeBody(proxyRes, raw, MAX_ERROR_BODY_BYTES * 16)?.toString('utf8') ?? ''));
    if (overflow) {
      // Too large to normalise safely: relay the bytes as they come.
      res.writeHead(code, relayedHeaders(proxyRes));
      res.write(raw);
      streamRest(proxyRes, res);
      return;
    }
    const decoded = decodeBody(proxyRes, raw, options.maxNormaliseBytes * 4);
    if (!decoded) return streamBuffered(res, code, relayedHeaders(proxyRes), raw);
    let parsed: unknown;
    try {
      parsed = JSON.parse(decoded.toString('utf8'));
    } catch {
      return writeStatusError(res, new StatusError(502, '', 'the ConnectorClass API answered invalid JSON'));
    }
    const shape = normaliseListBody(parsed, paging);
    const body = shape.kind === 'normalised' ? Buffer.from(JSON.stringify(shape.body)) : decoded;
    // The body written is decoded (and maybe rebuilt): its own length, no Content-Encoding.
    const headers = relayedHeaders(proxyRes, NOT_RELAYED_WITH_OWN_BODY);
    headers['content-type'] ??= 'application/json';
    headers['content-length'] = body.length;
    res.writeHead(code, headers);
    res.end(body);
  });
}

const NOT_RELAYED: ReadonlySet<string> = new Set(UPSTREAM_RESPONSE_HEADERS_NOT_RELAYED);
const NOT_RELAYED_WITH_OWN_BODY: ReadonlySet<string> = new Set([...UPSTREAM_RESPONSE_HEADERS_NOT_RELAYED, 'content-encoding', 'content-length']);

function relayedHeaders(proxyRes: IncomingMessage, notRelayed = NOT_RELAYED): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  const upstream = proxyRes.headers;
  for (const name of Object.keys(upstream)) {
    const value = upstream[name];
    if (value !== undefined && !notRelayed.has(name)) out[name] = value;
  }
  return out;
}

function isJson(proxyRes: IncomingMessage): boolean {
  return /^application\/([a-z0-9.+-]*\+)?json\b/i.test(proxyRes.headers['content-type'] ?? '');
}

/** A tool's answer as it is: status, headers (less hop-by-hop), streamed body; HEAD and 204/304 without one. */
export function relayUnchanged(proxyRes: IncomingMessage, req: IncomingMessage, res: ServerResponse): void {
  const code = proxyRes.statusCode ?? 502;
  res.writeHead(code, relayedHeaders(proxyRes));
  if (hasNoBody(req, code)) {
    res.end();
    proxyRes.resume();
    return;
  }
  streamRest(proxyRes, res);
}

function hasNoBody(req: IncomingMessage, code: number): boolean {
  return req.method === 'HEAD' || code === 204 || code === 304;
}

/**
 * Pipes the rest of a body to the client. Readable.pipe and two listeners rather than stream.pipeline, which cost
 * ≈ 20 % more CPU per streamed answer (measured, issue #6) for cleanup these two lines do: an upstream that breaks
 * off mid-body destroys the client's response, so the client sees an aborted answer, never a complete one; a client
 * that goes away destroys proxyRes (http-proxy-middleware's debugProxyErrors plugin, wired in upstream-proxy.ts).
 * The bytes count towards the next young-generation collection (stream-memory.ts).
 */
function streamRest(proxyRes: IncomingMessage, res: ServerResponse): void {
  streamReclaimer.watch(proxyRes, declaredLength(proxyRes));
  const abort = () => res.destroy();
  proxyRes.once('error', abort);
  proxyRes.once('aborted', abort);
  proxyRes.pipe(res);
}

function declaredLength(proxyRes: IncomingMessage): number | undefined {
  const length = proxyRes.headers['content-length'];
  return length === undefined ? undefined : Number(length);
}

function streamBuffered(res: ServerResponse, code: number, headers: OutgoingHttpHeaders, raw: Buffer): void {
  res.writeHead(code, { ...headers, 'content-length': raw.length });
  res.end(raw);
}

/** Reads up to `cap` bytes; stops reading (without consuming more) once over it. */
function collect(proxyRes: IncomingMessage, cap: number, done: (err: Error | undefined, raw: Buffer, overflow: boolean) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  const finish = (err: Error | undefined, overflow: boolean) => {
    if (finished) return;
    finished = true;
    proxyRes.off('data', onData);
    done(err, Buffer.concat(chunks, size), overflow);
  };
  const onData = (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.length;
    if (size > cap) {
      proxyRes.pause();
      finish(undefined, true);
    }
  };
  proxyRes.on('data', onData);
  proxyRes.once('end', () => finish(undefined, false));
  proxyRes.once('error', (err) => finish(err, false));
  proxyRes.once('aborted', () => finish(new Error('upstream aborted'), false));
}

/** Undoes Content-Encoding with a bound on the output (a small gzip can inflate without limit). */
function decodeBody(proxyRes: IncomingMessage, raw: Buffer, maxOutputLength: number): Buffer | undefined {
  const encoding = String(proxyRes.headers['content-encoding'] ?? 'identity').toLowerCase();
  try {
    switch (encoding) {
      case 'identity':
        return raw;
      case 'gzip':
      case 'x-gzip':
        return zlib.gunzipSync(raw, { maxOutputLength });
      case 'deflate':
        return zlib.inflateSync(raw, { maxOutputLength });
      case 'br':
        return zlib.brotliDecompressSync(raw, { maxOutputLength });
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}
