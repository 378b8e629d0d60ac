// Objects by resource type, one global resourceVersion counter (like etcd's revision), and the event history
// that watches replay from.
import { randomBytes, randomUUID } from 'node:crypto';
import { findByKind, typeKey, type ResourceType } from './resources.js';
import { StatusError } from './status.js';
import type { KubeObject, ObjectStore } from './types.js';
import { prepareCreated, prepareUpdated } from './object-defaults.js';
import { EventHistory, type StoreEvent } from './event-history.js';

export type { EventType, StoreEvent } from './event-history.js';

export type StoreListener = (event: StoreEvent) => void;

function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

function resourceTypeOf(obj: KubeObject): ResourceType {
  const rt = findByKind(obj.apiVersion, obj.kind);
  if (!rt) throw StatusError.badRequest(`no matches for kind "${obj.kind}" in version "${obj.apiVersion}"`);
  return rt;
}

export class MemoryObjectStore implements ObjectStore {
  private rv = 0;
  private readonly byType = new Map<string, Map<string, KubeObject>>();
  private readonly history: EventHistory;
  private readonly listeners = new Set<StoreListener>();

  constructor(historyWindow: number) {
    this.history = new EventHistory(historyWindow);
  }

  create(obj: KubeObject): KubeObject {
    const rt = resourceTypeOf(obj);
    const next = prepareCreated(rt, structuredClone(obj));
    if (!next.metadata.name) {
      const generateName = next.metadata.generateName;
      if (typeof generateName !== 'string' || generateName === '') {
        throw StatusError.invalid(rt.kind, '', [
          { field: 'metadata.name', reason: 'FieldValueRequired', message: 'Required value: name or generateName is required' },
        ]);
      }
      next.metadata.name = generateName + randomBytes(4).toString('hex').slice(0, 5);
    }
    const objects = this.objectsOf(rt);
    const key = objectKey(next.metadata.namespace, next.metadata.name);
    if (objects.has(key)) throw StatusError.alreadyExists(rt, next.metadata.name);
    Object.assign(next.metadata, {
      uid: randomUUID(),
      resourceVersion: String(++this.rv),
      creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      generation: 1,
    });
    objects.set(key, next);
    this.emit({ type: 'ADDED', rt, rv: this.rv, object: next });
    return structuredClone(next);
  }

  update(obj: KubeObject): KubeObject {
    const rt = resourceTypeOf(obj);
    const incoming = prepareCreated(rt, structuredClone(obj));
    const objects = this.objectsOf(rt);
    const key = objectKey(incoming.metadata.namespace, incoming.metadata.name);
    const existing = objects.get(key);
    if (!existing) throw StatusError.notFound(rt, incoming.metadata.name);
    const wanted = incoming.metadata.resourceVersion;
    if (wanted !== undefined && wanted !== '' && wanted !== existing.metadata.resourceVersion) {
      throw StatusError.conflict(rt, incoming.metadata.name);
    }
    const next = prepareUpdated(existing, incoming, String(++this.rv));
    objects.set(key, next);
    this.emit({ type: 'MODIFIED', rt, rv: this.rv, object: next, oldObject: existing });
    return structuredClone(next);
  }

  upsert(obj: KubeObject): KubeObject {
    const rt = resourceTypeOf(obj);
    const namespace = rt.namespaced ? obj.metadata.namespace || 'default' : undefined;
    if (!this.objectsOf(rt).has(objectKey(namespace, obj.metadata.name))) return this.create(obj);
    const unconditional = structuredClone(obj);
    delete unconditional.metadata.resourceVersion;
    return this.update(unconditional);
  }

  delete(apiVersion: string, kind: string, namespace: string | undefined, name: string): void {
    const rt = resourceTypeOf({ apiVersion, kind, metadata: { name } });
    this.deleteByType(rt, namespace, name);
  }

  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const rt = resourceTypeOf({ apiVersion, kind, metadata: { name } });
    const found = this.getByType(rt, namespace, name);
    return found && structuredClone(found);
  }

  list(apiVersion: string, kind: string, namespace?: string): KubeObject[] {
    const rt = resourceTypeOf({ apiVersion, kind, metadata: { name: '' } });
    return this.listByType(rt, namespace).map((o) => structuredClone(o));
  }

  /** The stored object itself (not a copy): callers must not mutate it. */
  getByType(rt: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.objectsOf(rt).get(objectKey(rt.namespaced ? namespace || 'default' : undefined, name));
  }

  /** Stored objects (not copies), sorted by namespace then name as etcd's key order gives them. */
  listByType(rt: ResourceType, namespace?: string): KubeObject[] {
    const all = [...this.objectsOf(rt).entries()]
      .filter(([, o]) => !namespace || !rt.namespaced || o.metadata.namespace === namespace)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return all.map(([, o]) => o);
  }

  /** Removes an object and returns it as it was deleted (with the deletion's resourceVersion). */
  deleteByType(rt: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const objects = this.objectsOf(rt);
    const key = objectKey(rt.namespaced ? namespace || 'default' : undefined, name);
    const existing = objects.get(key);
    if (!existing) throw StatusError.notFound(rt, name);
    if (rt.kind === 'Namespace') this.deleteNamespaceContents(name);
    objects.delete(key);
    const gone = structuredClone(existing);
    gone.metadata.resourceVersion = String(++this.rv);
    this.emit({ type: 'DELETED', rt, rv: this.rv, object: gone });
    return structuredClone(gone);
  }

  currentResourceVersion(): number {
    return this.rv;
  }

  /** Events newer than rv, or undefined when rv is older than the retained history (410 Expired). */
  eventsAfter(rv: number): StoreEvent[] | undefined {
    return this.history.after(rv);
  }

  /** The newest revision that history no longer holds ("too old resource version: X (this)"). */
  oldestResourceVersion(): number {
    return this.history.oldest;
  }

  compact(): void {
    this.history.compact(this.rv);
  }

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private deleteNamespaceContents(namespace: string): void {
    for (const [tk, objects] of this.byType) {
      for (const obj of [...objects.values()]) {
        if (obj.metadata.namespace !== namespace) continue;
        const rt = findByKind(obj.apiVersion, obj.kind);
        if (rt && typeKey(rt) === tk) this.deleteByType(rt, namespace, obj.metadata.name);
      }
    }
  }

  private objectsOf(rt: ResourceType): Map<string, KubeObject> {
    const tk = typeKey(rt);
    let objects = this.byType.get(tk);
    if (!objects) {
      objects = new Map();
      this.byType.set(tk, objects);
    }
    return objects;
  }

  private emit(event: StoreEvent): void {
    this.history.record(event);
    for (const listener of [...this.listeners]) listener(event);
  }
}
