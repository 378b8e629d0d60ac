// The Kubernetes side of the bench: the emulator in this process (examples/cluster plus bench objects and
// tokens), a kubeconfig for it, class `git` published to the bench upstream the way the controller would, and
// the service itself, `node dist/main.js`, pinned to the proxy CPU.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmulator, type Emulator, type KubeObject, type StaticToken } from '../emulator/index.js';
import { SERVICE_NODE_FLAGS } from '../scripts/service-node-flags.js';
import { freePort, onCleanup, PROXY_CPU, startPinned, waitUntil, type Proc } from './processes.js';

export const R1 = '/connectors/v1alpha1/namespaces/team-a/connectors/git1/resources/gitrefs';
export const ALICE_TOKEN = 'demo-alice-token';

export interface Cluster {
  readonly emulator: Emulator;
  readonly kubeconfig: string;
}

/** Emulator loaded from examples/cluster + `objects`; class `git` answers at `${classApiUrl}/api`. */
export async function startCluster(opts: { classApiUrl: string; objects?: KubeObject[]; staticTokens?: StaticToken[] }): Promise<Cluster> {
  const emulator = await startEmulator({ objectsDir: path.resolve('examples/cluster'), objects: opts.objects, staticTokens: opts.staticTokens });
  onCleanup(() => emulator.stop());
  publishClassApi(emulator, 'git', `${opts.classApiUrl}/api`);
  const dir = await mkdtemp(path.join(tmpdir(), 'connectors-api-bench-'));
  onCleanup(() => rm(dir, { recursive: true, force: true }));
  const kubeconfig = path.join(dir, 'kubeconfig');
  await emulator.writeKubeconfig(kubeconfig, 'demo-service-token');
  return { emulator, kubeconfig };
}

/** What the controller does: status.api.address.url of ConnectorClass `name`. */
export function publishClassApi(emulator: Emulator, name: string, url: string): void {
  const cls = emulator.store.get('connectors.alauda.io/v1alpha1', 'ConnectorClass', undefined, name);
  if (!cls) throw new Error(`no ConnectorClass ${name}`);
  emulator.store.update({ ...cls, status: { api: { address: { url } } } });
}

/**
 * `count` static tokens `${prefix}<i>` (users bench-user-<i>, group bench-readers) and RBAC letting that group
 * get connectors (and connectors/apis/*, should the flag be on): in `namespace`, or cluster-wide when undefined.
 */
export function benchReaders(count: number, namespace: string | undefined, prefix = 'bench-token-'): { staticTokens: StaticToken[]; objects: KubeObject[] } {
  const rbac = 'rbac.authorization.k8s.io/v1';
  const subjects = [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'bench-readers' }];
  const roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'bench-connector-reader' };
  return {
    staticTokens: Array.from({ length: count }, (_, i) => ({ token: `${prefix}${i}`, user: `bench-user-${i}`, uid: `uid-bench-${i}`, groups: ['bench-readers'] })),
    objects: [
      {
        apiVersion: rbac,
        kind: 'ClusterRole',
        metadata: { name: 'bench-connector-reader' },
        rules: [{ apiGroups: ['connectors.alauda.io'], resources: ['connectors', 'connectors/apis/*'], verbs: ['get'] }],
      },
      namespace === undefined
        ? { apiVersion: rbac, kind: 'ClusterRoleBinding', metadata: { name: 'bench-connector-reader' }, roleRef, subjects }
        : { apiVersion: rbac, kind: 'RoleBinding', metadata: { name: 'bench-connector-reader', namespace }, roleRef, subjects },
    ],
  };
}

export interface RunningService {
  readonly url: string;
  readonly proc: Proc;
  /** From spawn to the first 200 from /readyz. */
  readonly readyMs: number;
}

/**
 * `node <SERVICE_NODE_FLAGS> dist/main.js` (as the image runs it) on the proxy CPU, access log (LOG_LEVEL=info) to
 * /dev/null; resolves once /readyz is 200. `build` runs another copy of dist/main.js, or other node flags (bench:ab).
 */
export async function startService(kubeconfig: string, env: Record<string, string> = {}, build: { script?: string; nodeFlags?: readonly string[] } = {}): Promise<RunningService> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const proc = startPinned('service', PROXY_CPU, process.execPath, [...(build.nodeFlags ?? SERVICE_NODE_FLAGS), build.script ?? 'dist/main.js'], {
    stdout: 'ignore',
    env: { KUBECONFIG: kubeconfig, HOST: '127.0.0.1', PORT: String(port), POD_NAMESPACE: 'connectors-system', SHUTDOWN_TIMEOUT_MS: '2000', LOG_LEVEL: 'info', ...env },
  });
  let ready = false;
  const died = proc.exited.then((code) => {
    if (!ready) throw new Error(`the service exited (${code}) before it was ready`);
  });
  await Promise.race([waitUntil(async () => (await fetch(`${url}/readyz`)).status === 200, 60_000, 'the service to be ready', 20), died]);
  ready = true;
  return { url, proc, readyMs: performance.now() - started };
}

/** after − before, per emulator counter key ("<verb> <resource>"), zero entries dropped. */
export function countersDiff(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const diff: Record<string, number> = {};
  for (const [key, value] of Object.entries(after)) if (value !== (before[key] ?? 0)) diff[key] = value - (before[key] ?? 0);
  return diff;
}

export function sumWhere(diff: Record<string, number>, keep: (key: string) => boolean): number {
  return Object.entries(diff).reduce((sum, [key, value]) => sum + (keep(key) ? value : 0), 0);
}
