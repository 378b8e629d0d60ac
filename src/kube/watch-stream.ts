import { Watch, type KubeConfig } from '@kubernetes/client-node';

/** The watch ended with 410 Gone / Expired: the resourceVersion is too old, the caller must re-list. */
export class WatchExpiredError extends Error {
  override name = 'WatchExpiredError';
}

export interface WatchStreamOptions {
  readonly kubeConfig: KubeConfig;
  readonly path: string;
  readonly query: Readonly<Record<string, string | number | boolean>>;
  /** No event and no bookmark for this long → the stream is presumed dead and fails. */
  readonly stallTimeoutMs: number;
  /** ADDED, MODIFIED, DELETED and BOOKMARK events; ERROR events end the stream instead. */
  readonly onEvent: (type: string, object: unknown) => void;
}

export interface WatchStream {
  /** Resolves on a clean server-side close; rejects on an error, a stall, or 410 (WatchExpiredError). */
  readonly done: Promise<void>;
  abort(): void;
}

/**
 * One watch request through client-node's Watch, with what it lacks: a stall timer (a silent connection is
 * indistinguishable from an idle one without bookmarks) and ERROR events turned into failures.
 */
export function openWatchStream(options: WatchStreamOptions): WatchStream {
  let controller: AbortController | undefined;
  let settled = false;
  let stallTimer: NodeJS.Timeout | undefined;
  let settle: (err: unknown) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    settle = (err: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(stallTimer);
      controller?.abort();
      if (err) reject(err);
      else resolve();
    };
  });
  const armStallTimer = () => {
    clearTimeout(stallTimer);
    stallTimer = setTimeout(() => settle(new Error(`no watch event for ${options.stallTimeoutMs} ms`)), options.stallTimeoutMs);
    stallTimer.unref();
  };
  const onEvent = (type: string, obj: unknown) => {
    armStallTimer();
    if (type !== 'ERROR') return options.onEvent(type, obj);
    const code = (obj as { code?: number } | undefined)?.code;
    settle(code === 410 ? new WatchExpiredError('resourceVersion expired (410)') : new Error(`watch error event ${code ?? ''}`));
  };
  const onDone = (err: unknown) => {
    const status = (err as { statusCode?: number } | null)?.statusCode;
    settle(status === 410 ? new WatchExpiredError('watch answered 410') : (err ?? null));
  };
  armStallTimer();
  new Watch(options.kubeConfig)
    .watch(options.path, { ...options.query }, onEvent, onDone)
    .then((c) => {
      controller = c;
      if (settled) c.abort();
    })
    .catch(settle);
  return { done, abort: () => settle(new Error('watch aborted')) };
}
