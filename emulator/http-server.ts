// The HTTPS listener: tracks sockets so an outage (pause) can cut every connection, watches included, and
// resume on the same port.
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import { handleRequest, type HandlerDeps } from './handle-request.js';
import type { ServingTls } from './tls.js';

export class ApiServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(tls: ServingTls, deps: HandlerDeps) {
    this.server = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
      void handleRequest(deps, req, res);
    });
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    // bad TLS handshakes and malformed HTTP must never crash the process
    this.server.on('tlsClientError', (_err, socket) => socket.destroy());
    this.server.on('clientError', (_err, socket) => socket.destroy());
  }

  get listening(): boolean {
    return this.server.listening;
  }

  /** Listens on 127.0.0.1 (port 0 = any free port) and returns the bound port. */
  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', onError);
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  /** Stops listening and destroys every open socket; resolves when the listener is closed. */
  close(): Promise<void> {
    if (!this.server.listening) {
      this.destroySockets();
      return Promise.resolve();
    }
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.destroySockets();
    return closed;
  }

  private destroySockets(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}
