/**
 * `make run`: the whole product on this machine, no cluster needed.
 *   1. the Kubernetes API emulator, loaded from examples/cluster (HTTPS on 127.0.0.1, random port);
 *   2. the example ConnectorClass API (examples/class-api/server.ts), and — playing the controller's part — the
 *      `git` ConnectorClass's status.api.address.url set to it;
 *   3. the service itself, `node dist/main.js`, with a kubeconfig for the emulator.
 * Then it prints curl commands that work as printed. Ctrl-C stops all three.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmulator } from '../emulator/index.js';
import { startClassApi } from './class-api/server.js';

const PORT = Number(process.env.DEMO_PORT ?? 8080);
const SERVICE = `http://127.0.0.1:${PORT}`;

function curlCommands(): string {
  const r = (ns: string, name: string, resource: string) => `${SERVICE}/connectors/v1alpha1/namespaces/${ns}/connectors/${name}/resources/${resource}`;
  const alice = `-H 'Authorization: Bearer demo-alice-token'`;
  return [
    `# a list from the ConnectorClass API (alice may read team-a/git1; its Secret is injected as X-Plugin-*):`,
    `curl -s ${alice} '${r('team-a', 'git1', 'gitrefs')}?repositoryUrl=https%3A%2F%2Fgithub.com%2Fexample%2Fdemo&page=1&itemsPerPage=5'`,
    `# a bare array from the class API, normalised to {listMeta, items}:`,
    `curl -s ${alice} '${r('team-a', 'git1', 'branches')}'`,
    `# 401: no token`,
    `curl -s '${r('team-a', 'git1', 'gitrefs')}'`,
    `# 403: bob may not read the Connector`,
    `curl -s -H 'Authorization: Bearer demo-bob-token' '${r('team-a', 'git1', 'gitrefs')}'`,
    `# 404: no such Connector`,
    `curl -s ${alice} '${r('team-a', 'missing', 'gitrefs')}'`,
    `# 400: the ConnectorClass git-noapi has no API`,
    `curl -s ${alice} '${r('team-a', 'noapi', 'gitrefs')}'`,
    `# 405: the resources route is read-only`,
    `curl -s -X POST ${alice} '${r('team-a', 'git1', 'gitrefs')}'`,
    `# the feature flags (alice's group may get connectorclasses)`,
    `curl -s ${alice} '${SERVICE}/connectors-operator/featureflags'`,
  ].join('\n');
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'connectors-api-demo-'));
  const emulator = await startEmulator({ objectsDir: path.resolve('examples/cluster') });
  const classApi = await startClassApi({ port: 0 });
  const git = emulator.store.get('connectors.alauda.io/v1alpha1', 'ConnectorClass', undefined, 'git');
  if (!git) throw new Error('examples/cluster has no ConnectorClass git');
  emulator.store.update({ ...git, status: { api: { address: { url: `${classApi.url}/api` } } } });
  const kubeconfig = path.join(dir, 'kubeconfig');
  await emulator.writeKubeconfig(kubeconfig, 'demo-service-token');

  const service = spawn(process.execPath, ['dist/main.js'], {
    env: { ...process.env, KUBECONFIG: kubeconfig, HOST: '127.0.0.1', PORT: String(PORT), POD_NAMESPACE: 'connectors-system' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    service.kill('SIGTERM');
    await new Promise((resolve) => (service.exitCode !== null ? resolve(undefined) : service.once('exit', resolve)));
    await classApi.stop();
    await emulator.stop();
    await rm(dir, { recursive: true, force: true });
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  service.once('exit', (code) => {
    if (!stopping) {
      console.error(`connectors-api exited (${code}); stopping the demo`);
      void stop(1);
    }
  });

  await waitUntilReady(`${SERVICE}/readyz`, 15_000);
  console.log(`\nKubernetes API emulator: ${emulator.url}\nexample ConnectorClass API: ${classApi.url}\nconnectors-api: ${SERVICE}\n`);
  console.log(curlCommands());
  console.log('\nCtrl-C stops all three.\n');
}

async function waitUntilReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`connectors-api was not ready at ${url} within ${timeoutMs} ms`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
