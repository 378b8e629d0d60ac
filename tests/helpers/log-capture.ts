/**
 * In-memory winston transport for assertions on what would be logged (e.g. no token or Secret in any line).
 * It keeps the final formatted line, exactly as the configured format would write it to stdout.
 */
import Transport from 'winston-transport';

const MESSAGE = Symbol.for('message'); // triple-beam's MESSAGE: the formatted line winston writes
const MAX_LINES = 100_000; // a runaway test must not eat the heap; oldest lines go first

class CaptureTransport extends Transport {
  readonly captured: string[] = [];

  override log(info: Record<string | symbol, unknown>, next: () => void): void {
    const line = info[MESSAGE];
    this.captured.push(typeof line === 'string' ? line : JSON.stringify(info));
    if (this.captured.length > MAX_LINES) this.captured.shift();
    setImmediate(() => this.emit('logged', info));
    next();
  }
}

/** Creates a transport to add to a logger (`createLogger(...).add(transport)` or `transports: [transport]`). */
export function createCaptureTransport(): { transport: Transport; lines(): string[]; clear(): void } {
  const transport = new CaptureTransport();
  return {
    transport,
    lines: () => [...transport.captured],
    clear: () => void transport.captured.splice(0, transport.captured.length),
  };
}
