import Transport from 'winston-transport';

const MESSAGE = Symbol.for('message');

/**
 * Writes formatted lines to a stream (stdout), many per write: lines logged in one turn of the event loop are
 * joined and written once, on setImmediate. A write per access line was a syscall per request (stdout to a file
 * or /dev/null is synchronous), the largest single cost of the warm path. flush() writes what is pending now; the
 * process flushes on exit, so nothing logged before a clean shutdown is lost.
 */
export class BatchedStreamTransport extends Transport {
  private readonly stream: NodeJS.WritableStream;
  private pending: string[] = [];
  private scheduled = false;

  constructor(stream: NodeJS.WritableStream = process.stdout) {
    super();
    this.stream = stream;
    process.once('exit', () => this.flush());
  }

  override log(info: Record<string | symbol, unknown>, callback: () => void): void {
    this.pending.push(String(info[MESSAGE]));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    callback();
  }

  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const text = `${this.pending.join('\n')}\n`;
    this.pending = [];
    this.stream.write(text);
  }
}
