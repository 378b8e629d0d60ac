/** Every flag of the installation (spec §4.6) with its default. The ConfigMap holds "true"/"false" strings. */
export const KNOWN_FEATURE_FLAGS: Readonly<Record<string, string>> = {
  'enable-connector-apis-permissions': 'false',
  'enable-connector-apis-write-passthrough': 'false',
  'enable-connector-proxy-permissions': 'false',
  'enable-connectors-approval': 'false',
  'enable-multi-connector': 'false',
  'enable-custom-ca-certs': 'false',
  'enable-pod-image-pull-via-connector': 'false',
};

export const APIS_PERMISSIONS_FLAG = 'enable-connector-apis-permissions';
export const WRITE_PASSTHROUGH_FLAG = 'enable-connector-apis-write-passthrough';
export const CUSTOM_CA_FLAG = 'enable-custom-ca-certs';

/** What GET /connectors-operator/featureflags answers: every known flag, overridden by the ConfigMap's data. */
export function effectiveFeatureFlags(configMapData: Readonly<Record<string, string>>): Record<string, string> {
  return { ...KNOWN_FEATURE_FLAGS, ...configMapData };
}

/** A flag is on only when its value is exactly "true"; a missing ConfigMap or key means off. */
export function isFlagEnabled(configMapData: Readonly<Record<string, string>>, flag: string): boolean {
  return configMapData[flag] === 'true';
}
