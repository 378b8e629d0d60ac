/**
 * `make run`: the whole product on this machine, no cluster needed.
 *   1. the Kubernetes API emulator, loaded from examples/cluster (HTTPS on 127.0.0.1, random port);
 *   2. the example ConnectorClass API (examples/class-api/server.ts), and — playing the controller's part — the
 *      `git` and `gitlab` ConnectorClasses' status.api.address.url set to it;
 *   3. the example tool (examples/tool/server.ts, a tiny GitLab), accepting only the token in Secret
 *      team-a/gitlab1-token, and Connector team-a/gitlab1's address and `api` extension pointed at it;
 *   4. the service itself, `node <SERVICE_NODE_FLAGS> dist/main.js` as the image runs it, with a kubeconfig for the emulator.
 * Then it prints curl commands that work as printed. Ctrl-C stops all four.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmulator, type ObjectStore as Store } from '../emulator/index.js';
import { startClassApi } from './class-api/server.js';
import { startTool } from './tool/server.js';
import { SERVICE_NODE_FLAGS } from '../scripts/service-node-flags.js';

const PORT = Number(process.env.DEMO_PORT ?? 8080);
const SERVICE = `http://127.0.0.1:${PORT}`;

function curlCommands(): string {
  const r = (ns: string, name: string, resource: string) => `${SERVICE}/connectors/v1alpha1/namespaces/${ns}/connectors/${name}/resources/${resource}`;
  const p = (ns: string, name: string, apiPath: string) => `${SERVICE}/connectors/v1alpha1/${ns}/${name}/path${apiPath}`;
  const alice = `-H 'Authorization: Bearer demo-alice-token'`;
  const carol = `-H 'Authorization: Bearer demo-carol-token'`;
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
    `# 405: writes are refused (before authentication) while enable-connector-apis-write-passthrough is "false"`,
    `curl -s -X POST ${alice} '${r('team-a', 'git1', 'gitrefs')}'`,
    `# the feature flags (alice's group may get connectorclasses)`,
    `curl -s ${alice} '${SERVICE}/connectors-operator/featureflags'`,
    ``,
    `# R2 /connectors/v1alpha1/{ns}/{name}/path/{api-path}: the gitlab class's spec.api.openapi picks the target per operation.`,
    `# x-provider-type api: to the ConnectorClass API with X-Plugin-* headers; the list comes back as {listMeta, items}:`,
    `curl -s ${alice} '${p('team-a', 'gitlab1', '/api/gitrefs')}?page=1&itemsPerPage=3'`,
    `# x-provider-type proxy: straight to the tool, with the Connector's token as Authorization: Bearer; GitLab's bare array comes back unchanged:`,
    `curl -s ${alice} '${p('team-a', 'gitlab1', '/api/v4/projects')}'`,
    `# proxy with an encoded project id: devops%2Fdemo reaches the tool still encoded (matches {project_id}):`,
    `curl -s ${alice} '${p('team-a', 'gitlab1', '/api/v4/projects/devops%2Fdemo/repository/branches')}'`,
    `# proxy with x-openapi-address: api: to the Connector's "api" address extension (here the same example tool):`,
    `curl -s ${alice} '${p('team-a', 'gitlab1', '/stats')}'`,
    `# 405: writes through R2 are refused while enable-connector-apis-write-passthrough is "false", whatever the caller's RBAC`,
    `# (carol even holds create on connectors/apis/gitlab/api/v4/projects/{project_id}/issues):`,
    `curl -s -X POST ${carol} '${p('team-a', 'gitlab1', '/api/v4/projects/devops%2Fdemo/issues')}' -d 'hello'`,
    `# writes and path-scoped RBAC are switched on by the flags in ConfigMap connectors-system/connectors-config`,
    `# (enable-connector-apis-write-passthrough, enable-connector-apis-permissions); this demo keeps them as in examples/cluster/featureflags.yaml.`,
  ].join('\n');
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'connectors-api-demo-'));
  const emulator = await startEmulator({ objectsDir: path.resolve('examples/cluster') });
  const classApi = await startClassApi({ port: 0 });
  const tool = await startTool({ token: secretValue(emulator.store, 'team-a', 'gitlab1-token', 'token'), port: 0 });
  // Playing the controller: publish each class API address; point gitlab1 at the example tool.
  publishClassApi(emulator.store, 'git', `${classApi.url}/api`);
  publishClassApi(emulator.store, 'gitlab', classApi.url); // no prefix: R2 api paths already start with /api
  const gitlab1 = emulator.store.get('connectors.alauda.io/v1alpha1', 'Connector', 'team-a', 'gitlab1');
  if (!gitlab1) throw new Error('examples/cluster has no Connector team-a/gitlab1');
  const gitlab1Spec = gitlab1.spec as Record<string, unknown>;
  // The `api` extension must differ from spec.address (CRD rule): same loopback server, named by `localhost`.
  const apiExtension = tool.url.replace('127.0.0.1', 'localhost');
  emulator.store.update({ ...gitlab1, spec: { ...gitlab1Spec, address: tool.url, addressExtensions: [{ name: 'api', value: apiExtension }] } });
  const kubeconfig = path.join(dir, 'kubeconfig');
  await emulator.writeKubeconfig(kubeconfig, 'demo-service-token');

  const service = spawn(process.execPath, [...SERVICE_NODE_FLAGS, 'dist/main.js'], {
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
    await tool.stop();
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
  console.log(
    `\nKubernetes API emulator: ${emulator.url}\nexample ConnectorClass API: ${classApi.url}\n` +
      `example tool (GitLab-like): ${tool.url}\nconnectors-api: ${SERVICE}\n`,
  );
  console.log(curlCommands());
  console.log('\nCtrl-C stops all four.\n');
}

/** What the controller does once it has resolved a class's API: status.api.address.url. */
function publishClassApi(store: Store, name: string, url: string): void {
  const cls = store.get('connectors.alauda.io/v1alpha1', 'ConnectorClass', undefined, name);
  if (!cls) throw new Error(`examples/cluster has no ConnectorClass ${name}`);
  store.update({ ...cls, status: { api: { address: { url } } } });
}

/** One decoded value of a Secret as the emulator stores it (stringData already turned into base64 data). */
function secretValue(store: Store, namespace: string, name: string, key: string): string {
  const data = (store.get('v1', 'Secret', namespace, name)?.data ?? {}) as Record<string, string>;
  const value = data[key];
  if (value === undefined) throw new Error(`examples/cluster has no Secret ${namespace}/${name} with key ${key}`);
  return Buffer.from(value, 'base64').toString('utf8');
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
