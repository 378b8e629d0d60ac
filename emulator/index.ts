// startEmulator(): an in-process kube-apiserver stand-in over HTTPS for tests, the demo and manual poking.
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { ApiServer } from './http-server.js';
import { buildKubeconfig } from './kubeconfig.js';
import { loadObjectsDir, loadTokenFile } from './load-objects.js';
import { MemoryObjectStore } from './object-store.js';
import type { RbacPolicy } from './rbac.js';
import { findStoredResource, type ResourceType } from './resources.js';
import { generateRsaKeyPair, generateServingTls } from './tls.js';
import { TokenAuthenticator } from './tokens.js';
import type { KubeObject, ObjectStore, StaticToken } from './types.js';
import { WatchHub } from './watch-hub.js';

export type { KubeObject, ObjectStore, StaticToken, UserInfo } from './types.js';

export interface EmulatorOptions {
  /** Load every *.yaml/*.yml (multi-document) in this folder at start, and its tokens.csv if present. */
  objectsDir?: string;
  /** More objects to load at start (after objectsDir; an object with the same name replaces the loaded one). */
  objects?: KubeObject[];
  /** kube-apiserver --token-auth-file CSV: token,user,uid[,"group1,group2"]. */
  tokenFile?: string;
  staticTokens?: StaticToken[];
  /** Default: a free port on 127.0.0.1 below the ephemeral range (see listenBelowEphemeralRange). */
  port?: number;
  /** How many past events a watch can replay (default 1000). */
  historyWindow?: number;
  /** Interval of BOOKMARK events on watches with allowWatchBookmarks=true (default 5000). */
  bookmarkIntervalMs?: number;
}

export interface Emulator {
  readonly url: string;
  readonly caPem: string;
  kubeconfig(token: string): string;
  writeKubeconfig(path: string, token: string): Promise<void>;
  issueServiceAccountToken(namespace: string, name: string, opts?: { expiresInSeconds?: number; audiences?: string[] }): string;
  readonly store: ObjectStore;
  counters(): Record<string, number>;
  resetCounters(): void;
  pause(): Promise<void>;
  resume(): Promise<void>;
  dropWatches(): void;
  stallWatches(stalled: boolean): void;
  compact(): void;
  stop(): Promise<void>;
}

function servedType(group: string, resource: string): ResourceType {
  const rt = findStoredResource(group, 'v1', resource);
  if (!rt) throw new Error(`resource table lacks ${resource}`);
  return rt;
}

function rbacPolicyOf(store: MemoryObjectStore): () => RbacPolicy {
  const rbac = 'rbac.authorization.k8s.io';
  const roles = servedType(rbac, 'roles');
  const roleBindings = servedType(rbac, 'rolebindings');
  const clusterRoles = servedType(rbac, 'clusterroles');
  const clusterRoleBindings = servedType(rbac, 'clusterrolebindings');
  return () => ({
    roles: store.listByType(roles),
    roleBindings: store.listByType(roleBindings),
    clusterRoles: store.listByType(clusterRoles),
    clusterRoleBindings: store.listByType(clusterRoleBindings),
  });
}

/** Starts the emulator; resolves once it listens. */
/**
 * The default port is picked below the kernel's ephemeral range (32768–60999): pause() frees the port, and a
 * server elsewhere binding port 0 (every other test server) must not be able to take it before resume().
 */
async function listenBelowEphemeralRange(server: ApiServer): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const candidate = 20000 + Math.floor(Math.random() * 12000);
    try {
      return await server.listen(candidate);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
  throw new Error('no free port found below the ephemeral range in 50 attempts');
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const [tls, signingKey] = await Promise.all([generateServingTls(), generateRsaKeyPair()]);
  const fromDir = opts.objectsDir ? await loadObjectsDir(opts.objectsDir) : { objects: [], tokens: [] };
  const fromFile = opts.tokenFile ? await loadTokenFile(opts.tokenFile) : [];
  const store = new MemoryObjectStore(opts.historyWindow ?? 1000);
  for (const obj of [...fromDir.objects, ...(opts.objects ?? [])]) store.upsert(obj);
  const authn = new TokenAuthenticator({
    staticTokens: [...fromDir.tokens, ...fromFile, ...(opts.staticTokens ?? [])],
    signingKey,
  });
  const hub = new WatchHub(opts.bookmarkIntervalMs ?? 5000);
  const counts = new Map<string, number>();
  const count = (key: string): void => void counts.set(key, (counts.get(key) ?? 0) + 1);
  const server = new ApiServer(tls, { store, hub, authn, policy: rbacPolicyOf(store), count });
  const port = opts.port !== undefined ? await server.listen(opts.port) : await listenBelowEphemeralRange(server);
  const url = `https://127.0.0.1:${port}`;
  const serviceAccountType = servedType('', 'serviceaccounts');
  let stopped = false;

  return {
    url,
    caPem: tls.caPem,
    store,
    kubeconfig: (token) => buildKubeconfig(url, tls.caPem, token),
    writeKubeconfig: (path, token) => writeFile(path, buildKubeconfig(url, tls.caPem, token), { mode: 0o600 }),
    issueServiceAccountToken(namespace, name, issueOpts) {
      const sa = store.getByType(serviceAccountType, namespace, name);
      const uid = typeof sa?.metadata.uid === 'string' ? sa.metadata.uid : randomUUID();
      return authn.issue(namespace, name, uid, issueOpts);
    },
    counters: () => Object.fromEntries(counts),
    resetCounters: () => counts.clear(),
    pause: () => server.close(),
    async resume() {
      if (stopped) throw new Error('the emulator was stopped');
      if (!server.listening) await server.listen(port);
    },
    dropWatches: () => hub.dropAll(),
    stallWatches: (stalled) => hub.setStalled(stalled),
    compact: () => store.compact(),
    async stop() {
      stopped = true;
      hub.dropAll();
      await server.close();
    },
  };
}
