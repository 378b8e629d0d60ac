// The last N events, which is what lets a watch resume from a resourceVersion (etcd's compaction window).
import type { ResourceType } from './resources.js';
import type { KubeObject } from './types.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One write, as recorded in history and fanned out to watches. */
export interface StoreEvent {
  readonly type: EventType;
  readonly rt: ResourceType;
  readonly rv: number;
  readonly object: KubeObject;
  /** The object before a MODIFIED event, so selector watches can turn it into ADDED/DELETED like the watch cache. */
  readonly oldObject?: KubeObject;
}

export class EventHistory {
  private readonly events: StoreEvent[] = [];
  private compactedRv = 0;

  constructor(private readonly window: number) {}

  record(event: StoreEvent): void {
    this.events.push(event);
    while (this.events.length > this.window) {
      const dropped = this.events.shift();
      if (dropped) this.compactedRv = dropped.rv;
    }
  }

  /** Events newer than rv, or undefined when rv is older than what is retained (410 Expired). */
  after(rv: number): StoreEvent[] | undefined {
    if (rv < this.compactedRv) return undefined;
    return this.events.filter((e) => e.rv > rv);
  }

  /** The newest revision history no longer holds ("too old resource version: X (this)"). */
  get oldest(): number {
    return this.compactedRv;
  }

  /** Forgets everything up to and including currentRv. */
  compact(currentRv: number): void {
    this.events.length = 0;
    this.compactedRv = currentRv;
  }
}
