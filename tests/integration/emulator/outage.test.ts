import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { startEmulator, type Emulator } from '../../../emulator/index.js';
import { clientsFor, fixtureOptions, NS, TOKENS, waitFor, type Clients } from './emulator-fixtures.js';

function causeCode(err: unknown): string | undefined {
  // node-fetch wraps the socket error: FetchError { code: 'ECONNREFUSED', errno: 'ECONNREFUSED' }
  return (err as { code?: string } | undefined)?.code;
}

describe('emulator: outages', () => {
  let emu: Emulator;
  let reader: Clients;

  beforeAll(async () => {
    emu = await startEmulator(fixtureOptions());
    reader = clientsFor(emu.kubeconfig(TOKENS.reader));
  });
  afterAll(() => emu.stop());

  it('refuses connections while paused and serves again on the same port after resume()', async () => {
    const url = emu.url;
    await emu.pause();
    const refused = await reader.core.listNamespacedSecret({ namespace: NS }).then(() => undefined, (err: unknown) => err);
    expect(causeCode(refused)).toBe('ECONNREFUSED');
    await emu.resume();
    expect(emu.url).toBe(url);
    expect((await reader.core.listNamespacedSecret({ namespace: NS })).items.length).toBeGreaterThan(0);
  });

  it('cuts open watches when paused', async () => {
    let ended: { err: unknown } | undefined;
    const events: string[] = [];
    const controller = await new k8s.Watch(reader.kc).watch(`/api/v1/namespaces/${NS}/secrets`, {}, (type) => events.push(type), (err) => {
      ended = { err };
    });
    try {
      await waitFor(() => events.length > 0, 'the initial events');
      await emu.pause();
      await waitFor(() => ended !== undefined, 'the watch to end');
    } finally {
      controller.abort();
      await emu.resume();
    }
    expect((await reader.core.listNamespacedSecret({ namespace: NS })).items.length).toBeGreaterThan(0);
  });

  it('can be paused and resumed repeatedly', async () => {
    for (let i = 0; i < 3; i++) {
      await emu.pause();
      await emu.resume();
    }
    expect((await reader.core.readNamespacedSecret({ namespace: NS, name: 'git-auth' })).metadata?.name).toBe('git-auth');
  });
});

describe('emulator: start-up and stop', () => {
  it('loads objects and tokens.csv from a directory and writes a working kubeconfig', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'emulator-dir-'));
    await writeFile(join(dir, 'objects.yaml'), [
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: demo}',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: flags, namespace: demo}\ndata: {x: "true"}',
    ].join('\n---\n'));
    await writeFile(join(dir, 'tokens.csv'), 'root-token,root,u-root,"system:masters"\n');
    const emu = await startEmulator({ objectsDir: dir });
    try {
      await emu.writeKubeconfig(join(dir, 'kubeconfig'), 'root-token');
      const kc = new k8s.KubeConfig();
      kc.loadFromString(await readFile(join(dir, 'kubeconfig'), 'utf8'));
      const cm = await kc.makeApiClient(k8s.CoreV1Api).readNamespacedConfigMap({ namespace: 'demo', name: 'flags' });
      expect(cm.data).toEqual({ x: 'true' });
    } finally {
      await emu.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stop() ends open watches and frees the port', async () => {
    const emu = await startEmulator(fixtureOptions());
    const kc = clientsFor(emu.kubeconfig(TOKENS.admin)).kc;
    let ended = false;
    const controller = await new k8s.Watch(kc).watch('/api/v1/namespaces', {}, () => undefined, () => {
      ended = true;
    });
    await emu.stop();
    await waitFor(() => ended, 'the watch to end');
    controller.abort();
    const refused = await clientsFor(emu.kubeconfig(TOKENS.admin)).core.listNamespace().then(() => undefined, (err: unknown) => err);
    expect(causeCode(refused)).toBe('ECONNREFUSED');
  });
});
