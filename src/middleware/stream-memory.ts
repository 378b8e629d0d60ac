import type { Readable } from 'node:stream';

/**
 * Why this exists (issue #6, a 50 MB answer streamed with ≤ 20 MB RSS growth): every socket read allocates a fresh
 * buffer that V8 counts as external memory, and V8 collects such buffers only once tens of megabytes of them are
 * garbage. A streamed answer allocates little else on the JavaScript heap, so nothing else triggers a collection
 * meanwhile; even a hand-written node:http pipe grows ≈ 40 MB on one 50 MB answer. Asking for a scavenge (a
 * young-generation collection, well under a millisecond here) every few MiB relayed, counted across all streams,
 * frees those buffers as they go. `gc` exists only when node runs with --expose-gc (SERVICE_NODE_FLAGS); without it
 * this does nothing.
 */
export type CollectGarbage = (options: { type: 'minor' }) => void;

export const RECLAIM_EVERY_BYTES = 2 * 1024 * 1024;

export interface StreamReclaimer {
  /**
   * Counts what `source` emits towards the next collection. A source that declares fewer bytes than the interval
   * (its Content-Length) is left alone: on its own it cannot cross the interval, and a second 'data' listener
   * beside the pipe is measurable on every small answer.
   */
  watch(source: Readable, declaredBytes?: number): void;
}

export function createStreamReclaimer(gc: CollectGarbage | undefined, everyBytes = RECLAIM_EVERY_BYTES): StreamReclaimer {
  if (!gc) return { watch: () => undefined };
  let sinceLast = 0;
  const count = (chunk: Buffer | string) => {
    sinceLast += chunk.length;
    if (sinceLast < everyBytes) return;
    sinceLast %= everyBytes; // one collection per interval crossed, however the chunks fall
    gc({ type: 'minor' });
  };
  // A 'data' listener beside the pipe: it reads nothing itself, so the pipe's backpressure still applies.
  return {
    watch: (source, declaredBytes) => {
      if (declaredBytes === undefined || !(declaredBytes < everyBytes)) source.on('data', count);
    },
  };
}

/** The process-wide reclaimer: one byte count for every streamed answer. */
export const streamReclaimer = createStreamReclaimer((globalThis as { gc?: CollectGarbage }).gc);
