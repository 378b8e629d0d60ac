import type { ConfigMap, Connector, ConnectorClass, Secret, Service } from '../core/types.js';

/** connectors.alauda.io/v1alpha1 and the core/v1 resources the service watches. */
export const CONNECTORS_API = { group: 'connectors.alauda.io', version: 'v1alpha1' } as const;

export const WATCH_PATHS = {
  connectors: '/apis/connectors.alauda.io/v1alpha1/connectors',
  connectorclasses: '/apis/connectors.alauda.io/v1alpha1/connectorclasses',
  secrets: '/api/v1/secrets',
  services: '/api/v1/services',
  configmaps: (namespace: string) => `/api/v1/namespaces/${namespace}/configmaps`,
} as const;

// The transforms below keep only what resolution reads: caches of every Connector and Secret in a cluster
// must stay small, and fields we do not hold cannot leak.
type Raw = Record<string, unknown> & { metadata?: Record<string, unknown> };

function meta(raw: Raw): Connector['metadata'] {
  const m = raw.metadata ?? {};
  return { name: String(m.name), namespace: m.namespace as string | undefined, resourceVersion: m.resourceVersion as string | undefined };
}

export function toConnector(raw: unknown): Connector {
  const r = raw as Raw;
  return { metadata: meta(r), spec: r.spec as Connector['spec'] };
}

export function toConnectorClass(raw: unknown): ConnectorClass {
  const r = raw as Raw & { spec?: { api?: NonNullable<ConnectorClass['spec']>['api'] }; status?: ConnectorClass['status'] };
  return { metadata: meta(r), spec: r.spec?.api ? { api: r.spec.api } : {}, status: r.status?.api ? { api: r.status.api } : undefined };
}

export function toService(raw: unknown): Service {
  const r = raw as Raw & { spec?: { ports?: { name?: string; port: number }[] } };
  return { metadata: meta(r), spec: { ports: (r.spec?.ports ?? []).map(({ name, port }) => ({ name, port })) } };
}

export function toSecret(raw: unknown): Secret {
  const r = raw as Raw & { type?: string; data?: Record<string, string> };
  // Labels only for Secrets: the custom CA pool is selected by the label connectors.cpaas.io/ca-cert.
  const labels = r.metadata?.labels as Record<string, string> | undefined;
  return { metadata: { ...meta(r), ...(labels ? { labels } : {}) }, type: r.type, data: r.data };
}

export function toConfigMap(raw: unknown): ConfigMap {
  const r = raw as Raw & { data?: Record<string, string> };
  return { metadata: meta(r), data: r.data };
}
