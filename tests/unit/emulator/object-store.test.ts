import { MemoryObjectStore, type StoreEvent } from '../../../emulator/object-store.js';
import type { KubeObject } from '../../../emulator/types.js';

const secret = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: 'ns' },
  ...extra,
});

function recording(store: MemoryObjectStore): StoreEvent[] {
  const events: StoreEvent[] = [];
  store.subscribe((e) => events.push(e));
  return events;
}

describe('MemoryObjectStore', () => {
  it('sets server metadata on create and folds Secret stringData into base64 data', () => {
    const store = new MemoryObjectStore(100);
    const created = store.create(secret('s1', { stringData: { token: 'abc' }, data: { other: 'eA==' } }));
    expect(created.metadata).toMatchObject({ name: 's1', namespace: 'ns', resourceVersion: '1', generation: 1 });
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(created.data).toEqual({ other: 'eA==', token: Buffer.from('abc').toString('base64') });
    expect(created.stringData).toBeUndefined();
    expect(created.type).toBe('Opaque');
  });

  it('throws 409 AlreadyExists on a second create, 404 on a missing update or delete', () => {
    const store = new MemoryObjectStore(100);
    store.create(secret('s1'));
    expect(() => store.create(secret('s1'))).toThrow(expect.objectContaining({ code: 409, reason: 'AlreadyExists', message: 'secrets "s1" already exists' }));
    expect(() => store.update(secret('nope'))).toThrow(expect.objectContaining({ code: 404, message: 'secrets "nope" not found' }));
    expect(() => store.delete('v1', 'Secret', 'ns', 'nope')).toThrow(expect.objectContaining({ code: 404 }));
  });

  it('uses one global increasing resourceVersion across kinds', () => {
    const store = new MemoryObjectStore(100);
    const a = store.create(secret('a'));
    const b = store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns' } });
    const a2 = store.update(a);
    expect([a.metadata.resourceVersion, b.metadata.resourceVersion, a2.metadata.resourceVersion]).toEqual(['1', '2', '3']);
    expect(store.currentResourceVersion()).toBe(3);
  });

  it('refuses an update with a stale resourceVersion (409 Conflict) and accepts an unconditional one', () => {
    const store = new MemoryObjectStore(100);
    const v1 = store.create(secret('s1'));
    store.update(v1);
    expect(() => store.update(v1)).toThrow(expect.objectContaining({ code: 409, reason: 'Conflict' }));
    const unconditional = secret('s1', { data: { k: 'dg==' } });
    expect(store.update(unconditional).data).toEqual({ k: 'dg==' });
  });

  it('keeps uid and creationTimestamp on update and bumps generation only when the spec changes', () => {
    const store = new MemoryObjectStore(100);
    const conn = { apiVersion: 'connectors.alauda.io/v1alpha1', kind: 'Connector', metadata: { name: 'c', namespace: 'ns' }, spec: { a: 1 } };
    const created = store.create(conn);
    const relabelled = store.update({ ...created, metadata: { ...created.metadata, labels: { x: 'y' } } });
    expect(relabelled.metadata).toMatchObject({ uid: created.metadata.uid, creationTimestamp: created.metadata.creationTimestamp, generation: 1 });
    expect(store.update({ ...relabelled, spec: { a: 2 } }).metadata.generation).toBe(2);
  });

  it('emits ADDED, MODIFIED (with the old object) and DELETED (at a new resourceVersion)', () => {
    const store = new MemoryObjectStore(100);
    const events = recording(store);
    const created = store.create(secret('s1'));
    store.upsert(secret('s1', { data: { k: 'dg==' } }));
    store.delete('v1', 'Secret', 'ns', 's1');
    expect(events.map((e) => [e.type, e.object.metadata.resourceVersion])).toEqual([['ADDED', '1'], ['MODIFIED', '2'], ['DELETED', '3']]);
    expect(events[1]?.oldObject?.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
  });

  it('returns copies: mutating a returned object does not change the store', () => {
    const store = new MemoryObjectStore(100);
    store.create(secret('s1')).metadata.name = 'changed';
    const got = store.get('v1', 'Secret', 'ns', 's1');
    if (got) got.metadata.labels = { x: 'y' };
    expect(store.get('v1', 'Secret', 'ns', 's1')?.metadata.labels).toBeUndefined();
  });

  it('lists by namespace, sorted by namespace then name; cluster-scoped objects lose metadata.namespace', () => {
    const store = new MemoryObjectStore(100);
    for (const [ns, name] of [['b', 'x'], ['a', 'z'], ['a', 'y']]) {
      store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: name ?? '', namespace: ns } });
    }
    expect(store.list('v1', 'ConfigMap').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['a/y', 'a/z', 'b/x']);
    expect(store.list('v1', 'ConfigMap', 'b')).toHaveLength(1);
    const ns = store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team', namespace: 'ignored' } });
    expect(ns.metadata.namespace).toBeUndefined();
    expect(ns.metadata.labels).toEqual({ 'kubernetes.io/metadata.name': 'team' });
    expect(ns.status).toEqual({ phase: 'Active' });
  });

  it('rejects kinds it does not serve with 400', () => {
    const store = new MemoryObjectStore(100);
    expect(() => store.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } })).toThrow(
      expect.objectContaining({ code: 400, message: 'no matches for kind "Pod" in version "v1"' }),
    );
  });

  it('deletes the contents of a deleted namespace first', () => {
    const store = new MemoryObjectStore(100);
    store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' } });
    store.create(secret('s1'));
    const events = recording(store);
    store.delete('v1', 'Namespace', undefined, 'ns');
    expect(events.map((e) => `${e.type} ${e.object.kind}`)).toEqual(['DELETED Secret', 'DELETED Namespace']);
  });

  it('replays history after a resourceVersion and reports expiry past the window or a compaction', () => {
    const store = new MemoryObjectStore(3);
    for (const name of ['a', 'b', 'c', 'd', 'e']) store.create(secret(name));
    expect(store.eventsAfter(3)?.map((e) => e.rv)).toEqual([4, 5]);
    expect(store.eventsAfter(2)?.map((e) => e.rv)).toEqual([3, 4, 5]);
    expect(store.eventsAfter(1)).toBeUndefined();
    expect(store.oldestResourceVersion()).toBe(2);
    store.compact();
    expect(store.eventsAfter(4)).toBeUndefined();
    expect(store.eventsAfter(5)).toEqual([]);
  });
});
