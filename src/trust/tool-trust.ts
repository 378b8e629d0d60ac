import { rootCertificates } from 'node:tls';
import { certificatesInSecret } from '../core/ca-certificates.js';
import { CUSTOM_CA_FLAG, isFlagEnabled } from '../core/feature-flags.js';
import type { FeatureFlagSource, SecretStore } from '../kube/cluster-cache.js';
import type { ToolTrust } from '../middleware/resolve-upstream.js';

export const CA_CERT_LABEL = 'connectors.cpaas.io/ca-cert';

/**
 * What TLS to a tool trusts (decisions.md "Custom CA"): while enable-custom-ca-certs is not "true", the system
 * roots only (undefined); while it is, the system roots + every Secret in the install namespace labelled
 * connectors.cpaas.io/ca-cert=true + the Connector's caCertSecretRef (its own namespace only). Flag and Secrets
 * come from the watch caches, so changes apply without a restart; results are memoised per Secret revision.
 */
export function createToolTrust(options: { secrets: SecretStore; flags: FeatureFlagSource; podNamespace: string }): ToolTrust {
  const { secrets, flags, podNamespace } = options;
  let memoRevision = -1;
  let global: string[] = [];
  const perConnector = new Map<string, readonly string[]>();
  return (namespace, caSecretName) => {
    if (!isFlagEnabled(flags.flagData(), CUSTOM_CA_FLAG)) return undefined;
    if (memoRevision !== secrets.revision()) {
      memoRevision = secrets.revision();
      global = secrets.labelledSecrets(podNamespace, CA_CERT_LABEL, 'true').flatMap(certificatesInSecret);
      perConnector.clear();
    }
    const key = `${namespace}/${caSecretName ?? ''}`;
    let pool = perConnector.get(key);
    if (!pool) {
      const own = caSecretName ? certificatesInSecret(secrets.secret(namespace, caSecretName)) : [];
      pool = [...rootCertificates, ...global, ...own];
      perConnector.set(key, pool);
    }
    return pool;
  };
}
