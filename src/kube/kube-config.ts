import { existsSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export type { KubeConfig };

/**
 * The kubeconfig file when a path is given, else in-cluster. Never `loadFromDefault()`: with no config it
 * silently falls back to http://localhost:8080, which would send our credentials to whatever listens there.
 */
export function loadKubeConfig(kubeconfigPath: string | undefined): KubeConfig {
  const kc = new KubeConfig();
  if (kubeconfigPath !== undefined) {
    try {
      kc.loadFromFile(kubeconfigPath);
    } catch (err) {
      throw new Error(`cannot load the kubeconfig ${kubeconfigPath}: ${err instanceof Error ? err.message : String(err)}`);
    }
  } else {
    if (!existsSync(SERVICE_ACCOUNT_TOKEN)) {
      throw new Error(`KUBECONFIG is not set and ${SERVICE_ACCOUNT_TOKEN} does not exist: not running in a cluster`);
    }
    kc.loadFromCluster();
  }
  if (!kc.getCurrentCluster()) throw new Error(`the kubeconfig ${kubeconfigPath ?? '(in-cluster)'} has no current cluster`);
  return kc;
}
