import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmulator, type Emulator, type KubeObject } from '../../emulator/index.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startService, type Service } from '../../src/service.js';
import { createCaptureTransport } from './log-capture.js';
import { startRecordingUpstream, type RecordedRequest, type RecordingUpstream, type UpstreamReply } from './recording-upstream.js';

export const EXAMPLES_DIR = path.resolve('examples/cluster');
export const SERVICE_TOKEN = 'demo-service-token';
export const ALICE = 'demo-alice-token';
export const BOB = 'demo-bob-token';

export interface Harness {
  readonly url: string;
  readonly emulator: Emulator;
  readonly upstream: RecordingUpstream;
  readonly service: Service;
  readonly logs: ReturnType<typeof createCaptureTransport>;
  /** Points ConnectorClass `name` at a base URL the way the controller would: status.api.address.url. */
  publishClassApi(name: string, url: string | undefined): void;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  readonly env?: Record<string, string>;
  readonly objects?: KubeObject[];
  readonly reply?: (req: RecordedRequest) => UpstreamReply | Promise<UpstreamReply>;
  readonly enforcePluginMeta?: boolean;
}

/** Emulator (examples/cluster) + recording upstream as the `git` class API + the service, all on 127.0.0.1. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const emulator = await startEmulator({ objectsDir: EXAMPLES_DIR, objects: options.objects });
  const upstream = await startRecordingUpstream(options.reply, { enforcePluginMeta: options.enforcePluginMeta ?? true });
  const dir = await mkdtemp(path.join(tmpdir(), 'connectors-api-test-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  await emulator.writeKubeconfig(kubeconfig, SERVICE_TOKEN);
  const publishClassApi = (name: string, url: string | undefined) => {
    const cls = emulator.store.get('connectors.alauda.io/v1alpha1', 'ConnectorClass', undefined, name);
    if (!cls) throw new Error(`no ConnectorClass ${name}`);
    emulator.store.update({ ...cls, status: url === undefined ? {} : { api: { address: { url } } } });
  };
  publishClassApi('git', `${upstream.url}/api`);
  const logs = createCaptureTransport();
  const config = loadConfig([], {
    KUBECONFIG: kubeconfig,
    PORT: '0',
    HOST: '127.0.0.1',
    WATCH_BACKOFF_INITIAL_MS: '50',
    WATCH_BACKOFF_MAX_MS: '500',
    SHUTDOWN_TIMEOUT_MS: '2000',
    LOG_LEVEL: 'debug',
    ...options.env,
  });
  const service = await startService(config, createLogger(config.logLevel, [logs.transport]), { collectDefaultMetrics: false });
  await waitFor(() => service.cache.synced(), 10_000, 'caches to sync');
  return {
    url: service.server.url,
    emulator,
    upstream,
    service,
    logs,
    publishClassApi,
    stop: async () => {
      await service.stop();
      await upstream.stop();
      await emulator.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Polls a condition every 20 ms, bounded in time. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export function resourcesPath(namespace: string, name: string, resource: string): string {
  return `/connectors/v1alpha1/namespaces/${namespace}/connectors/${name}/resources/${resource}`;
}

export function decodeHeader(value: string | string[] | undefined): string {
  return Buffer.from(String(value), 'base64').toString('utf8');
}
