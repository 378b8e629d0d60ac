// What the apiserver's registry strategies do to an object on the way in: namespace defaulting, Secret
// stringData folding, Namespace status, generation bumps on spec changes.
import type { ResourceType } from './resources.js';
import type { KubeObject } from './types.js';

/** Secrets: stringData is write-only, merged over data as base64 (registry/core/secret/strategy.go). */
export function foldStringData(obj: KubeObject): void {
  const stringData = obj.stringData;
  if (stringData && typeof stringData === 'object') {
    const data: Record<string, unknown> = { ...((obj.data as Record<string, unknown> | undefined) ?? {}) };
    for (const [k, v] of Object.entries(stringData as Record<string, unknown>)) {
      data[k] = Buffer.from(String(v), 'utf8').toString('base64');
    }
    obj.data = data;
  }
  delete obj.stringData;
}

/** Normalises an incoming object (a private copy) the way create and update both do. */
export function prepareCreated(rt: ResourceType, obj: KubeObject): KubeObject {
  obj.metadata = { ...obj.metadata };
  if (rt.namespaced) obj.metadata.namespace = obj.metadata.namespace || 'default';
  else delete obj.metadata.namespace;
  if (rt.kind === 'Secret') {
    foldStringData(obj);
    if (!obj.type) obj.type = 'Opaque';
  }
  if (rt.kind === 'Namespace') {
    // the apiserver labels every namespace with its own name (since 1.21) and starts it Active
    const labels = { ...((obj.metadata.labels as Record<string, string> | undefined) ?? {}) };
    labels['kubernetes.io/metadata.name'] = obj.metadata.name;
    obj.metadata.labels = labels;
    obj.spec = { finalizers: ['kubernetes'], ...((obj.spec as object | undefined) ?? {}) };
    obj.status = { phase: 'Active', ...((obj.status as object | undefined) ?? {}) };
  }
  // TypeMeta and metadata first, as the apiserver serialises them
  const { apiVersion, kind, metadata, ...rest } = obj;
  return { apiVersion, kind, metadata, ...rest };
}

function specOf(obj: KubeObject): string {
  const { metadata: _m, status: _s, ...rest } = obj;
  return JSON.stringify(rest);
}

/** Merges server-owned metadata of the stored object into a replacement (PUT semantics). */
export function prepareUpdated(existing: KubeObject, incoming: KubeObject, resourceVersion: string): KubeObject {
  const generation = typeof existing.metadata.generation === 'number' ? existing.metadata.generation : 1;
  incoming.metadata = {
    ...incoming.metadata,
    uid: existing.metadata.uid,
    creationTimestamp: existing.metadata.creationTimestamp,
    resourceVersion,
    generation: specOf(existing) === specOf(incoming) ? generation : generation + 1,
  };
  return incoming;
}
