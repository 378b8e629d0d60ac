import * as k8s from '@kubernetes/client-node';
import { startEmulator, type Emulator, type KubeObject } from '../../../emulator/index.js';
import { clientsFor, fixtureOptions, NS, TOKENS, waitFor } from './emulator-fixtures.js';

const SECRETS = `/api/v1/namespaces/${NS}/secrets`;
const CONNECTORS = `/apis/connectors.alauda.io/v1alpha1/namespaces/${NS}/connectors`;

interface Seen {
  type: string;
  obj: KubeObject;
}

interface OpenWatch {
  events: Seen[];
  ended: () => boolean;
  endedWith: () => unknown;
  controller: AbortController;
}

const secret = (name: string, labels?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: labels ? { name, namespace: NS, labels } : { name, namespace: NS },
});

describe('emulator: watch through the real client-node Watch', () => {
  let emu: Emulator;
  let kc: k8s.KubeConfig;
  const open: OpenWatch[] = [];

  async function watch(path: string, params: Record<string, string | number | boolean | undefined> = {}): Promise<OpenWatch> {
    const events: Seen[] = [];
    let end: { err: unknown } | undefined;
    const controller = await new k8s.Watch(kc).watch(path, params, (type, obj: KubeObject) => events.push({ type, obj }), (err) => {
      end = { err };
    });
    const w = { events, ended: () => end !== undefined, endedWith: () => end?.err, controller };
    open.push(w);
    return w;
  }

  beforeAll(async () => {
    emu = await startEmulator(fixtureOptions({ historyWindow: 5, bookmarkIntervalMs: 50 }));
    kc = clientsFor(emu.kubeconfig(TOKENS.reader)).kc;
  });
  afterEach(() => {
    emu.stallWatches(false);
    for (const w of open.splice(0)) w.controller.abort();
  });
  afterAll(() => emu.stop());

  it('starts with ADDED for current objects, then sees store mutations as ADDED, MODIFIED, DELETED', async () => {
    const w = await watch(SECRETS);
    await waitFor(() => w.events.length === 1, 'the initial ADDED');
    expect(w.events[0]).toMatchObject({ type: 'ADDED', obj: { kind: 'Secret', metadata: { name: 'git-auth' } } });

    const created = emu.store.create(secret('live'));
    emu.store.update({ ...created, data: { k: 'dg==' } });
    emu.store.delete('v1', 'Secret', NS, 'live');
    await waitFor(() => w.events.length === 4, 'three live events');
    expect(w.events.slice(1).map((e) => [e.type, e.obj.metadata.name])).toEqual([['ADDED', 'live'], ['MODIFIED', 'live'], ['DELETED', 'live']]);
    const rvs = w.events.slice(1).map((e) => Number(e.obj.metadata.resourceVersion));
    expect(rvs).toEqual([...rvs].sort((a, b) => a - b));
    expect(new Set(rvs).size).toBe(3);
  });

  it('replays the history after a resourceVersion', async () => {
    const client = clientsFor(emu.kubeconfig(TOKENS.reader));
    const rv = (await client.core.listNamespacedSecret({ namespace: NS })).metadata?.resourceVersion;
    emu.store.create(secret('after-list'));
    emu.store.delete('v1', 'Secret', NS, 'after-list');
    const w = await watch(SECRETS, { resourceVersion: rv });
    await waitFor(() => w.events.length === 2, 'the replayed events');
    expect(w.events.map((e) => `${e.type} ${e.obj.metadata.name}`)).toEqual(['ADDED after-list', 'DELETED after-list']);
  });

  it('sends ERROR 410 Expired and ends the stream for a resourceVersion older than compact()', async () => {
    const before = emu.store.create(secret('old')).metadata.resourceVersion as string;
    emu.store.delete('v1', 'Secret', NS, 'old');
    emu.compact();
    const w = await watch(SECRETS, { resourceVersion: before });
    await waitFor(() => w.ended(), 'the end of the stream');
    expect(w.endedWith()).toBeNull();
    expect(w.events).toHaveLength(1);
    expect(w.events[0]?.type).toBe('ERROR');
    expect(w.events[0]?.obj).toMatchObject({
      kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410,
      message: expect.stringMatching(new RegExp(`^too old resource version: ${before} \\(\\d+\\)$`)),
    });
  });

  it('sends 410 for a resourceVersion that fell out of the history window', async () => {
    const first = emu.store.create(secret('w0')).metadata.resourceVersion as string;
    for (let i = 1; i <= 6; i++) emu.store.create(secret(`w${i}`));
    const w = await watch(SECRETS, { resourceVersion: first });
    await waitFor(() => w.ended(), 'the end of the stream');
    expect(w.events.map((e) => e.type)).toEqual(['ERROR']);
  });

  it('ends every open watch cleanly on dropWatches()', async () => {
    const a = await watch(SECRETS);
    const b = await watch(CONNECTORS);
    await waitFor(() => a.events.length > 0 && b.events.length > 0, 'the initial events');
    emu.dropWatches();
    await waitFor(() => a.ended() && b.ended(), 'both streams to end');
    expect([a.endedWith(), b.endedWith()]).toEqual([null, null]);
  });

  it('sends BOOKMARK events with only kind, apiVersion and metadata.resourceVersion', async () => {
    const w = await watch(CONNECTORS, { allowWatchBookmarks: true });
    await waitFor(() => w.events.some((e) => e.type === 'BOOKMARK'), 'a bookmark');
    const bookmark = w.events.find((e) => e.type === 'BOOKMARK');
    expect(bookmark?.obj).toEqual({
      kind: 'Connector', apiVersion: 'connectors.alauda.io/v1alpha1', metadata: { resourceVersion: expect.stringMatching(/^\d+$/) },
    });
  });

  it('holds events and bookmarks while stalled and delivers the events afterwards', async () => {
    const w = await watch(SECRETS, { allowWatchBookmarks: true });
    await waitFor(() => w.events.some((e) => e.type === 'ADDED'), 'the initial events');
    emu.stallWatches(true);
    const seen = w.events.length;
    emu.store.create(secret('during-stall'));
    await new Promise((resolve) => setTimeout(resolve, 300)); // several bookmark intervals
    expect(w.events).toHaveLength(seen);
    expect(w.ended()).toBe(false);
    emu.stallWatches(false);
    await waitFor(() => w.events.some((e) => e.obj.metadata.name === 'during-stall'), 'the held event');
  });

  it('applies label selectors to watches, turning a label change into ADDED / DELETED', async () => {
    const w = await watch(SECRETS, { labelSelector: 'team=blue' });
    const s = emu.store.create(secret('labelled', { team: 'red' }));
    const blue = emu.store.update({ ...s, metadata: { ...s.metadata, labels: { team: 'blue' } } });
    emu.store.update({ ...blue, metadata: { ...blue.metadata, labels: { team: 'red' } } });
    await waitFor(() => w.events.length === 2, 'enter and leave events');
    expect(w.events.map((e) => `${e.type} ${e.obj.metadata.name}`)).toEqual(['ADDED labelled', 'DELETED labelled']);
  });

  it('ends the stream after timeoutSeconds', async () => {
    const w = await watch(CONNECTORS, { timeoutSeconds: 1 });
    await waitFor(() => w.ended(), 'the timeout', 5000);
    expect(w.endedWith()).toBeNull();
  });

  it('keeps a client-node informer in sync across a compaction (410 → relist)', async () => {
    const client = clientsFor(emu.kubeconfig(TOKENS.reader));
    const informer = k8s.makeInformer(kc, SECRETS, () => client.core.listNamespacedSecret({ namespace: NS }));
    const added: string[] = [];
    informer.on('add', (obj) => added.push(obj.metadata?.name ?? ''));
    await informer.start();
    try {
      await waitFor(() => added.includes('git-auth'), 'the informer list');
      emu.store.create(secret('before-compact'));
      await waitFor(() => added.includes('before-compact'), 'the informer watch');
      emu.store.create(secret('after-compact'));
      await waitFor(() => added.includes('after-compact'), 'the informer watch');
      emu.resetCounters();
      emu.stallWatches(true); // the informer misses the next write, then its stream ends
      emu.store.create(secret('missed'));
      emu.compact();
      emu.dropWatches(); // it re-watches from its last RV, now too old: ERROR 410, then a relist
      await waitFor(() => informer.list(NS).some((o) => o.metadata?.name === 'missed'), 'the relist');
      expect(emu.counters()['list secrets']).toBe(1);
    } finally {
      await informer.stop();
    }
  });
});
