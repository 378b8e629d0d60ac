import type { Secret } from './types.js';

/** How X-Plugin-Auth is encoded: the spec says base64; katanomi/pkg-based plugin servers read the raw type. */
export type PluginAuthEncoding = 'base64' | 'raw';

export const PLUGIN_META = 'x-plugin-meta';
export const PLUGIN_AUTH = 'x-plugin-auth';
export const PLUGIN_SECRET = 'x-plugin-secret';

export interface PluginHeaderInput {
  /** Connector.spec.address: the tool's address, sent as baseURL. */
  address: string;
  /** The Connector's Secret, or undefined when the Connector has no secretRef. */
  secret: Secret | undefined;
  authEncoding: PluginAuthEncoding;
}

/**
 * The headers a ConnectorClass API receives (spec §5): X-Plugin-Meta always; X-Plugin-Auth and X-Plugin-Secret
 * only when the Connector references a Secret. Secret data keeps its base64 values and its keys are sorted so
 * the header is deterministic.
 */
export function buildPluginHeaders({ address, secret, authEncoding }: PluginHeaderInput): Record<string, string> {
  const headers: Record<string, string> = { [PLUGIN_META]: base64(JSON.stringify({ baseURL: address })) };
  if (secret) {
    headers[PLUGIN_AUTH] = encodePluginAuth(secret.type || 'Opaque', authEncoding);
    headers[PLUGIN_SECRET] = base64(JSON.stringify(sortedRecord(secret.data ?? {})));
  }
  return headers;
}

/** The one place that decides the X-Plugin-Auth encoding. */
export function encodePluginAuth(secretType: string, encoding: PluginAuthEncoding): string {
  return encoding === 'raw' ? secretType : base64(secretType);
}

function sortedRecord(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}
