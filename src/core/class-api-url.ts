import { StatusError } from '../errors.js';
import { isHttpUrl } from './http-url.js';
import type { ConnectorClass, Service, ServicePort } from './types.js';

export type ServiceLookup = (namespace: string, name: string) => Service | undefined;

/**
 * The base URL of a ConnectorClass API (decisions.md "Resolution"):
 * 1. status.api.address.url, as published by the controller;
 * 2. else an absolute spec.api.uri;
 * 3. else a Service spec.api.ref → http(s)://{name}.{ns}.svc.cluster.local[:port], plus a relative uri as prefix.
 * Anything else is "not resolved" (400), the message the original system uses verbatim.
 */
export function resolveClassApiUrl(cls: ConnectorClass, lookupService: ServiceLookup, defaultNamespace: string): string {
  const published = cls.status?.api?.address?.url;
  if (published && isHttpUrl(published)) return published;

  const api = cls.spec?.api;
  const uri = api?.uri?.trim();
  if (uri && isHttpUrl(uri)) return uri;

  const ref = api?.ref;
  if (ref?.name && (ref.kind ?? 'Service') === 'Service') {
    const namespace = ref.namespace || defaultNamespace;
    const service = lookupService(namespace, ref.name);
    const port = service?.spec?.ports?.[0];
    if (port) return serviceUrl(ref.name, namespace, port) + relativePrefix(uri);
  }
  throw notResolved(cls.metadata.name);
}

export function notResolved(className: string): StatusError {
  return StatusError.badRequest(`api address of connectorclass '${className}' is not resolved`);
}

function serviceUrl(name: string, namespace: string, port: ServicePort): string {
  const scheme = port.port === 443 || port.name === 'https' ? 'https' : 'http';
  const defaultPort = scheme === 'https' ? 443 : 80;
  const portPart = port.port === defaultPort ? '' : `:${port.port}`;
  return `${scheme}://${name}.${namespace}.svc.cluster.local${portPart}`;
}

/** A relative uri becomes a path prefix with exactly one leading and no trailing '/'. */
function relativePrefix(uri: string | undefined): string {
  if (!uri) return '';
  const trimmed = uri.replace(/^\/+/, '').replace(/\/+$/, '');
  return trimmed === '' ? '' : `/${trimmed}`;
}
