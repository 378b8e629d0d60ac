import type { Express } from 'express';
import { createApp } from './app.js';
import { CachingAccessReviewer, CachingTokenReviewer } from './auth/cached-reviewers.js';
import type { Config } from './config.js';
import { KubeAccessReviewer } from './kube/access-reviewer.js';
import { ClusterCache } from './kube/cluster-cache.js';
import { loadKubeConfig } from './kube/kube-config.js';
import { KubeTokenReviewer } from './kube/token-reviewer.js';
import type { Logger } from './logger.js';
import { createMetrics, metricRecorders } from './metrics.js';
import { startServer, type RunningServer } from './server.js';
import { createToolTrust } from './trust/tool-trust.js';

/** JSON answers above this size are relayed unchanged rather than parsed and normalised. */
const MAX_NORMALISE_BYTES = 16 * 1024 * 1024;

export interface Service {
  readonly app: Express;
  readonly server: RunningServer;
  readonly cache: ClusterCache;
  stop(): Promise<void>;
}

/**
 * Wires the production dependencies from a validated Config and starts listening at once: /healthz answers
 * while the caches sync, /readyz only after.
 */
export async function startService(config: Config, logger: Logger, options: { collectDefaultMetrics?: boolean } = {}): Promise<Service> {
  const kubeConfig = loadKubeConfig(config.kube.kubeconfigPath);
  const metrics = createMetrics({ collectDefaults: options.collectDefaultMetrics ?? true });
  const record = metricRecorders(metrics);
  const onCall = record.kubeCall;
  const onLookup = record.lookup;
  const cache = new ClusterCache({
    kubeConfig,
    podNamespace: config.kube.podNamespace,
    featureFlagsConfigMap: config.kube.featureFlagsConfigMap,
    watch: config.kube.watch,
    listTimeoutMs: Math.max(config.kube.reviewTimeoutMs, 30_000),
    logger,
    onWatchRestart: (resource) => metrics.watchRestarts.inc({ resource }),
    onCall,
    onLookup,
  });
  const reviewCache = { ...config.authCache, onLookup };
  const timeoutMs = config.kube.reviewTimeoutMs;
  const app = createApp({
    tokenReviewer: new CachingTokenReviewer(new KubeTokenReviewer({ kubeConfig, timeoutMs, onCall }), reviewCache),
    accessReviewer: new CachingAccessReviewer(new KubeAccessReviewer({ kubeConfig, timeoutMs, onCall }), reviewCache),
    connectors: cache,
    secrets: cache,
    flags: cache,
    toolTrust: createToolTrust({ secrets: cache, flags: cache, podNamespace: config.kube.podNamespace }),
    synced: () => cache.synced(),
    podNamespace: config.kube.podNamespace,
    upstream: { ...config.upstream, maxNormaliseBytes: MAX_NORMALISE_BYTES },
    logger,
    metrics,
  });
  const server = await startServer(app, config.server, logger);
  return {
    app,
    server,
    cache,
    stop: async () => {
      await server.close();
      await cache.stop();
    },
  };
}
