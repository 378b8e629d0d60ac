import { mkdtemp, readFile, rm } from 'node:fs/promises';
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
  /** Every credential this harness knows of: tokens.csv, issued SA tokens, Secret values (base64 and plain). */
  knownSecrets(): string[];
  /** Points ConnectorClass `name` at a base URL the way the controller would: status.api.address.url. */
  publishClassApi(name: string, url: string | undefined): void;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  readonly env?: Record<string, string>;
  readonly objects?: KubeObject[];
  readonly reply?: (req: RecordedRequest) => UpstreamReply | Promise<UpstreamReply>;
  readonly enforcePluginMeta?: boolean;
  readonly bookmarkIntervalMs?: number;
}

/** Emulator (examples/cluster) + recording upstream as the `git` class API + the service, all on 127.0.0.1. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const emulator = await startEmulator({ objectsDir: EXAMPLES_DIR, objects: options.objects, bookmarkIntervalMs: options.bookmarkIntervalMs });
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
  const issuedTokens: string[] = [];
  const issue = emulator.issueServiceAccountToken.bind(emulator);
  emulator.issueServiceAccountToken = (namespace, name, opts) => {
    const token = issue(namespace, name, opts);
    issuedTokens.push(token);
    return token;
  };
  const staticTokens = (await readFile(path.join(EXAMPLES_DIR, 'tokens.csv'), 'utf8'))
    .split('\n')
    .map((line) => line.split(',')[0]?.trim() ?? '')
    .filter((t) => t !== '');
  const knownSecrets = () => [...staticTokens, ...issuedTokens, ...secretValues(emulator)];
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
    knownSecrets,
    stop: async () => {
      await service.stop();
      // Every suite that uses the harness also proves that nothing it did put a credential in a log line.
      assertNoSecretsLogged(logs.lines(), knownSecrets());
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

function secretValues(emulator: Emulator): string[] {
  const values: string[] = [];
  for (const secret of emulator.store.list('v1', 'Secret')) {
    for (const value of Object.values((secret.data ?? {}) as Record<string, string>)) {
      values.push(value, Buffer.from(value, 'base64').toString('utf8'));
    }
  }
  return values.filter((v) => v.length >= 6);
}

export function assertNoSecretsLogged(lines: readonly string[], secrets: readonly string[]): void {
  for (const line of lines) {
    for (const secret of secrets) {
      if (line.includes(secret)) throw new Error(`a log line contains a credential: ${line.slice(0, 200)}`);
    }
    if (/x-plugin-secret"?\s*[:=]\s*"?[A-Za-z0-9+/]{8,}/i.test(line)) throw new Error(`a log line contains X-Plugin-Secret: ${line.slice(0, 200)}`);
  }
}
