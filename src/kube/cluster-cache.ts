import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import type { ConfigMap, Connector, ConnectorClass, Secret, Service } from '../core/types.js';
import type { Logger } from '../logger.js';
import { makeKeepAliveApiClient } from './api-client.js';
import { Informer, type InformerOptions, type ListResult } from './informer.js';
import type { KubeCallObserver } from './with-timeout.js';
import { CONNECTORS_API, WATCH_PATHS, toConfigMap, toConnector, toConnectorClass, toSecret, toService } from './resources.js';

/** Connectors, ConnectorClasses and the Services that class API refs name. */
export interface ConnectorStore {
  connector(namespace: string, name: string): Connector | undefined;
  connectorClass(name: string): ConnectorClass | undefined;
  service(namespace: string, name: string): Service | undefined;
}

export interface SecretStore {
  secret(namespace: string, name: string): Secret | undefined;
  /** Secrets of one namespace carrying a label with a value (a scan: memoise on revision()). */
  labelledSecrets(namespace: string, label: string, value: string): Secret[];
  /** Grows on every change to any Secret. */
  revision(): number;
}

/** The feature-flag ConfigMap's data; empty while the ConfigMap does not exist. */
export interface FeatureFlagSource {
  flagData(): Readonly<Record<string, string>>;
}

export interface ClusterCacheOptions {
  readonly kubeConfig: KubeConfig;
  readonly podNamespace: string;
  readonly featureFlagsConfigMap: string;
  readonly watch: { readonly backoffInitialMs: number; readonly backoffMaxMs: number; readonly stallTimeoutMs: number };
  readonly listTimeoutMs: number;
  readonly logger: Logger;
  readonly onWatchRestart?: (resource: string, reason: string) => void;
  readonly onCall?: KubeCallObserver;
  /** Told of every object lookup on the request path (connector, connectorclass, secret) and whether it hit. */
  readonly onLookup?: (cache: string, hit: boolean) => void;
}

interface Listed {
  metadata?: { resourceVersion?: string; _continue?: string; continue?: string };
  items?: unknown[];
}

/** Objects per list page: a cluster's 10,000 Secrets are never materialised in one response. */
const LIST_PAGE_SIZE = 500;
const MAX_LIST_PAGES = 10_000;

/**
 * Lists page by page (limit + continue) and returns the first page's resourceVersion, which is what the API server
 * reports for every page of one list.
 */
async function listAllPages(fetchPage: (page: { limit: number; _continue?: string }) => Promise<Listed>): Promise<ListResult> {
  const items: unknown[] = [];
  let resourceVersion: string | undefined;
  let next: string | undefined;
  for (let page = 0; page < MAX_LIST_PAGES; page++) {
    const list = await fetchPage({ limit: LIST_PAGE_SIZE, _continue: next });
    resourceVersion ??= list.metadata?.resourceVersion ?? '';
    for (const item of list.items ?? []) items.push(item);
    // typed lists (core) deserialise the field as `_continue`, raw custom-object lists keep `continue`
    next = list.metadata?._continue ?? list.metadata?.continue;
    if (!next) return { resourceVersion, items };
  }
  throw new Error(`list did not end within ${MAX_LIST_PAGES} pages`);
}

/**
 * Every object the request path reads, served from watch-backed caches: no Kubernetes GET per request. One
 * informer per resource; synced() is what /readyz reports.
 */
export class ClusterCache implements ConnectorStore, SecretStore, FeatureFlagSource {
  private readonly connectors: Informer<Connector>;
  private readonly classes: Informer<ConnectorClass>;
  private readonly services: Informer<Service>;
  private readonly secrets: Informer<Secret>;
  private readonly configMaps: Informer<ConfigMap>;
  private readonly options: ClusterCacheOptions;

  constructor(options: ClusterCacheOptions) {
    this.options = options;
    const core = makeKeepAliveApiClient(options.kubeConfig, CoreV1Api);
    const custom = makeKeepAliveApiClient(options.kubeConfig, CustomObjectsApi);
    const { group, version } = CONNECTORS_API;
    const flagsSelector = `metadata.name=${options.featureFlagsConfigMap}`;
    const ns = options.podNamespace;

    this.connectors = this.informer('connectors', WATCH_PATHS.connectors, toConnector, () =>
      listAllPages((page) => custom.listClusterCustomObject({ group, version, plural: 'connectors', ...page })));
    this.classes = this.informer('connectorclasses', WATCH_PATHS.connectorclasses, toConnectorClass, () =>
      listAllPages((page) => custom.listClusterCustomObject({ group, version, plural: 'connectorclasses', ...page })));
    this.services = this.informer('services', WATCH_PATHS.services, toService, () =>
      listAllPages((page) => core.listServiceForAllNamespaces(page)));
    this.secrets = this.informer('secrets', WATCH_PATHS.secrets, toSecret, () =>
      listAllPages((page) => core.listSecretForAllNamespaces(page)));
    this.configMaps = this.informer('configmaps', WATCH_PATHS.configmaps(ns), toConfigMap, () =>
      listAllPages((page) => core.listNamespacedConfigMap({ namespace: ns, fieldSelector: flagsSelector, ...page })), { fieldSelector: flagsSelector });
  }

  connector(namespace: string, name: string): Connector | undefined {
    return this.observe('connector', this.connectors.get(namespace, name));
  }
  connectorClass(name: string): ConnectorClass | undefined {
    return this.observe('connectorclass', this.classes.get(undefined, name));
  }
  service(namespace: string, name: string): Service | undefined {
    return this.services.get(namespace, name);
  }
  secret(namespace: string, name: string): Secret | undefined {
    return this.observe('secret', this.secrets.get(namespace, name));
  }
  labelledSecrets(namespace: string, label: string, value: string): Secret[] {
    const found: Secret[] = [];
    for (const secret of this.secrets.values()) {
      if (secret.metadata.namespace === namespace && secret.metadata.labels?.[label] === value) found.push(secret);
    }
    return found;
  }
  revision(): number {
    return this.secrets.revision();
  }
  flagData(): Readonly<Record<string, string>> {
    return this.configMaps.get(this.options.podNamespace, this.options.featureFlagsConfigMap)?.data ?? {};
  }

  synced(): boolean {
    return this.all().every((i) => i.synced());
  }

  async stop(): Promise<void> {
    await Promise.all(this.all().map((i) => i.stop()));
  }

  private observe<T>(cache: string, found: T | undefined): T | undefined {
    this.options.onLookup?.(cache, found !== undefined);
    return found;
  }

  private all(): Informer<unknown>[] {
    return [this.connectors, this.classes, this.services, this.secrets, this.configMaps];
  }

  private informer<T>(resource: string, watchPath: string, transform: (raw: unknown) => T, list: () => Promise<ListResult>, watchQuery?: Record<string, string>): Informer<T> {
    const { kubeConfig, watch, listTimeoutMs, logger, onWatchRestart, onCall } = this.options;
    const options: InformerOptions<T> = {
      resource, kubeConfig, watchPath, watchQuery, list, transform, listTimeoutMs, logger, onRestart: onWatchRestart, onCall,
      backoff: { initialMs: watch.backoffInitialMs, maxMs: watch.backoffMaxMs },
      stallTimeoutMs: watch.stallTimeoutMs,
    };
    return new Informer(options);
  }
}
