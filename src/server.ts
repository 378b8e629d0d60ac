import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { STATUS_CODES, type RequestListener } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Express } from 'express';
import { buildStatus, type StatusReason } from './errors.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { readCertificatePair, reloadCertificatesOnChange } from './tls/certificate-reloader.js';
import { expressMessageClasses } from './express-messages.js';
import { requestIdFor } from './middleware/request-id.js';
import { MAX_REQUEST_HEADER_FIELDS } from './core/header-policy.js';

export interface RunningServer {
  readonly server: http.Server;
  readonly port: number;
  readonly url: string;
  /** Stops accepting at once, lets in-flight requests finish within the bound, then destroys what is left. */
  close(): Promise<void>;
}

/** Listens (HTTP, or HTTPS when TLS files are configured) and logs the bound port (PORT=0 picks one). */
export async function startServer(app: Express, config: Config['server'], logger: Logger): Promise<RunningServer> {
  const serverOptions = {
    // Host is not needed to route here; without this Node answers a Host-less HTTP/1.1 request with a bare 400.
    requireHostHeader: false,
    ...expressMessageClasses(app),
  };
  const handler: RequestListener = app;
  const server = config.tls
    ? https.createServer({ ...serverOptions, ...readCertificatePair(config.tls), minVersion: 'TLSv1.2' }, handler)
    : http.createServer(serverOptions, handler);
  server.on('checkExpectation', answerUnsupportedExpectation);
  const stopReloading = config.tls ? reloadCertificatesOnChange(server as https.Server, config.tls, logger, config.tlsReloadIntervalMs) : () => undefined;
  server.on('clientError', answerClientError);
  // One more than we accept, so that limitHeaderCount sees a request that had too many (Node drops the rest).
  server.maxHeadersCount = MAX_REQUEST_HEADER_FIELDS + 1;
  server.keepAliveTimeout = config.keepAliveTimeoutMs;
  server.headersTimeout = config.keepAliveTimeoutMs + 1000; // must exceed keepAliveTimeout (nodejs/node#27363)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const scheme = config.tls ? 'https' : 'http';
  const url = `${scheme}://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  logger.info('listening', { url, port });
  return {
    server,
    port,
    url,
    close: () => {
      stopReloading();
      return closeGracefully(server, config.shutdownTimeoutMs);
    },
  };
}

// Requests Node's parser refuses (oversized headers, conflicting Content-Length and Transfer-Encoding, bad
// request lines) never reach Express; answer them as Status too instead of Node's bare 400, with an X-Request-Id
// like every other answer (a new one: the request's headers were not parsed).
const PARSER_ERRORS: Readonly<Record<string, [number, StatusReason, string]>> = {
  HPE_HEADER_OVERFLOW: [431, '', 'request header fields too large'],
  HPE_UNEXPECTED_CONTENT_LENGTH: [400, 'BadRequest', 'conflicting Content-Length and Transfer-Encoding'],
};

function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || (err as { code?: string }).code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const [code, reason, message] = PARSER_ERRORS[err.code ?? ''] ?? [400, 'BadRequest', 'malformed HTTP request'];
  const body = JSON.stringify(buildStatus(code, reason, message));
  socket.end(
    `HTTP/1.1 ${code} ${STATUS_CODES[code] ?? ''}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestIdFor(undefined)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Any Expect other than 100-continue: 417 as a Status (Node's default answer has no body). */
function answerUnsupportedExpectation(req: http.IncomingMessage, res: http.ServerResponse): void {
  const body = JSON.stringify(buildStatus(417, '', 'only "Expect: 100-continue" is supported'));
  res.writeHead(417, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-request-id': requestIdFor(req.headers['x-request-id']),
    connection: 'close',
  });
  res.end(body);
}

function closeGracefully(server: http.Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), timeoutMs);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    // Idle keep-alive sockets would hold close() open until they time out.
    server.closeIdleConnections();
  });
}
