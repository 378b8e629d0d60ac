// Open watch streams: NDJSON writing, bookmarks, timeouts, and the outage knobs (drop, stall).
import type { ServerResponse } from 'node:http';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent {
  type: WatchEventType;
  object: unknown;
}

export interface WatchStreamOptions {
  /** Builds the BOOKMARK object (kind, apiVersion, metadata.resourceVersion), or undefined when bookmarks are off. */
  readonly bookmark?: () => unknown;
  readonly timeoutMs: number;
  /** Called once when the stream ends for any reason. */
  readonly onClose: () => void;
}

/** One watch response. Events sent while the hub is stalled are held and delivered when it resumes. */
export class WatchStream {
  private readonly held: WatchEvent[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private closed = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly hub: WatchHub,
    private readonly opts: WatchStreamOptions,
  ) {
    const timeout = setTimeout(() => this.end(), opts.timeoutMs);
    timeout.unref();
    this.timers.push(timeout);
    if (opts.bookmark) {
      const bookmark = opts.bookmark;
      const interval = setInterval(() => {
        if (!hub.isStalled()) this.write({ type: 'BOOKMARK', object: bookmark() });
      }, hub.bookmarkIntervalMs);
      interval.unref();
      this.timers.push(interval);
    }
    res.on('close', () => this.cleanup());
  }

  send(event: WatchEvent): void {
    if (this.hub.isStalled()) this.held.push(event);
    else this.write(event);
  }

  /** Delivers what was held during a stall. */
  flush(): void {
    for (const event of this.held.splice(0)) this.write(event);
  }

  /** Ends the response cleanly (terminating chunk), as a watch timeout does. */
  end(): void {
    if (this.closed) return;
    this.res.end();
    this.cleanup();
  }

  private write(event: WatchEvent): void {
    if (!this.closed && !this.res.writableEnded) this.res.write(`${JSON.stringify(event)}\n`);
  }

  private cleanup(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.hub.forget(this);
    this.opts.onClose();
  }
}

/** Every open watch of one emulator. */
export class WatchHub {
  private readonly streams = new Set<WatchStream>();
  private stalled = false;

  constructor(readonly bookmarkIntervalMs: number) {}

  /** Starts a 200 NDJSON response and tracks it. */
  open(res: ServerResponse, opts: WatchStreamOptions): WatchStream {
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();
    const stream = new WatchStream(res, this, opts);
    this.streams.add(stream);
    return stream;
  }

  isStalled(): boolean {
    return this.stalled;
  }

  setStalled(stalled: boolean): void {
    this.stalled = stalled;
    if (!stalled) for (const s of [...this.streams]) s.flush();
  }

  /** Ends every open watch. */
  dropAll(): void {
    for (const s of [...this.streams]) s.end();
  }

  forget(stream: WatchStream): void {
    this.streams.delete(stream);
  }

  get size(): number {
    return this.streams.size;
  }
}
