import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../logger.js';
import { openWatchStream, WatchExpiredError, type WatchStream } from './watch-stream.js';
import { observed, withTimeout, type KubeCallObserver } from './with-timeout.js';

export interface ListResult {
  resourceVersion: string;
  items: unknown[];
}

export interface InformerOptions<T> {
  /** Resource name for logs and metrics, e.g. "connectors". */
  readonly resource: string;
  readonly kubeConfig: KubeConfig;
  /** Collection path watched, e.g. /apis/connectors.alauda.io/v1alpha1/connectors. */
  readonly watchPath: string;
  readonly watchQuery?: Readonly<Record<string, string>>;
  readonly list: () => Promise<ListResult>;
  /** Keeps only the fields resolution needs, so the cache holds as little as possible. */
  readonly transform: (raw: unknown) => T;
  readonly backoff: { readonly initialMs: number; readonly maxMs: number };
  /** No event and no bookmark for this long → the watch is presumed dead and restarted. */
  readonly stallTimeoutMs: number;
  readonly listTimeoutMs: number;
  readonly logger: Logger;
  readonly onRestart?: (resource: string, reason: string) => void;
  readonly onCall?: KubeCallObserver;
}

interface Metadata {
  name?: string;
  namespace?: string;
  resourceVersion?: string;
}

export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/**
 * A list-then-watch cache of one resource (a reflector). client-node 1.4's ListWatch stops for good on a non-410
 * error, so this one owns the loop: errors and stalls restart the watch with bounded exponential backoff, a 410
 * Expired re-lists, and a clean server-side close (timeoutSeconds) re-watches from the last resourceVersion.
 */
export class Informer<T> {
  private readonly items = new Map<string, T>();
  private readonly options: InformerOptions<T>;
  private resourceVersion = '';
  private changes = 0;
  private hasSynced = false;
  private stopped = false;
  private stream: WatchStream | undefined;
  private wake: (() => void) | undefined;
  private readonly loop: Promise<void>;

  constructor(options: InformerOptions<T>) {
    this.options = options;
    this.loop = this.run();
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.items.get(objectKey(namespace, name));
  }

  values(): IterableIterator<T> {
    return this.items.values();
  }

  /** Grows on every change to the cache: lets callers memoise what they derive from it. */
  revision(): number {
    return this.changes;
  }

  synced(): boolean {
    return this.hasSynced;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stream?.abort();
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { backoff, logger, resource } = this.options;
    let delay = backoff.initialMs;
    let needList = true;
    while (!this.stopped) {
      try {
        if (needList) {
          await this.relist();
          needList = false;
        }
        const delivered = await this.watchOnce();
        if (delivered) delay = backoff.initialMs;
        continue; // clean close: watch again from the last resourceVersion
      } catch (err) {
        if (this.stopped) break;
        if (err instanceof WatchExpiredError) needList = true;
        const reason = err instanceof Error ? err.message : String(err);
        logger.warn('watch restarting', { resource, reason, backoffMs: delay });
        this.options.onRestart?.(resource, reason);
      }
      await this.sleep(delay + Math.floor(Math.random() * delay * 0.2));
      delay = Math.min(delay * 2, backoff.maxMs);
    }
  }

  private async relist(): Promise<void> {
    const { list, listTimeoutMs, resource, onCall } = this.options;
    const result = await observed('list', withTimeout(list(), listTimeoutMs, `list ${resource}`), onCall);
    this.items.clear();
    this.changes++;
    for (const raw of result.items) this.put(raw);
    this.resourceVersion = result.resourceVersion;
    if (!this.hasSynced) this.options.logger.info('cache synced', { resource: this.options.resource, objects: this.items.size });
    this.hasSynced = true;
  }

  /** Resolves true/false (events seen or not) on a clean close; rejects on error, stall or 410. */
  private async watchOnce(): Promise<boolean> {
    let delivered = false;
    const onEvent = (type: string, obj: unknown) => {
      const meta = (obj as { metadata?: Metadata } | undefined)?.metadata;
      if (meta?.resourceVersion) this.resourceVersion = meta.resourceVersion;
      if (type === 'BOOKMARK' || !meta?.name) return;
      delivered = true;
      if (type === 'DELETED') this.remove(meta);
      else this.put(obj);
    };
    const { kubeConfig, watchPath, watchQuery, stallTimeoutMs, onCall } = this.options;
    onCall?.('watch', 'ok');
    // Server-side timeout slightly randomised so that replicas do not re-watch in lockstep.
    const query = { ...watchQuery, resourceVersion: this.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: 240 + Math.floor(Math.random() * 120) };
    this.stream = openWatchStream({ kubeConfig, path: watchPath, query, stallTimeoutMs, onEvent });
    if (this.stopped) this.stream.abort();
    await this.stream.done;
    return delivered;
  }

  private remove(meta: Metadata): void {
    if (this.items.delete(objectKey(meta.namespace, meta.name ?? ''))) this.changes++;
  }

  private put(raw: unknown): void {
    const meta = (raw as { metadata?: Metadata }).metadata;
    if (!meta?.name) return;
    this.items.set(objectKey(meta.namespace, meta.name), this.options.transform(raw));
    this.changes++;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
