import { existsSync } from 'node:fs';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export type { KubeConfig };

/**
 * The kubeconfig $KUBECONFIG names, else in-cluster. Never `loadFromDefault()`: with no config it silently falls
 * back to http://localhost:8080, which would send our credentials to whatever listens there.
 *
 * $KUBECONFIG may list several files (separated by ':' here, ';' on Windows), read with kubectl's rules: empty
 * entries and files that do not exist are skipped (at least one must exist), and for the current context and
 * every cluster, user and context name the first file that sets it wins.
 */
export function loadKubeConfig(kubeconfig: string | undefined): KubeConfig {
  const kc = kubeconfig === undefined ? inCluster() : fromFiles(kubeconfig);
  if (!kc.getCurrentCluster()) throw new Error(`the kubeconfig ${kubeconfig ?? '(in-cluster)'} has no current cluster`);
  return kc;
}

function inCluster(): KubeConfig {
  if (!existsSync(SERVICE_ACCOUNT_TOKEN)) {
    throw new Error(`KUBECONFIG is not set and ${SERVICE_ACCOUNT_TOKEN} does not exist: not running in a cluster`);
  }
  const kc = new KubeConfig();
  kc.loadFromCluster();
  return kc;
}

function fromFiles(list: string): KubeConfig {
  const files = list.split(path.delimiter).filter((file) => file !== '');
  // One file is the common case, and a missing one is then an error naming it (not "none of …").
  const present = files.length === 1 ? files : files.filter((file) => existsSync(file));
  const [first, ...rest] = present;
  if (first === undefined) throw new Error(`cannot load the kubeconfig ${list}: none of its files exists`);
  const merged = loadFile(first);
  for (const file of rest) {
    const next = loadFile(file);
    if (!merged.currentContext && next.currentContext) merged.setCurrentContext(next.currentContext);
    for (const cluster of next.clusters) if (!merged.getCluster(cluster.name)) merged.addCluster(cluster);
    for (const user of next.users) if (!merged.getUser(user.name)) merged.addUser(user);
    for (const context of next.contexts) if (!merged.getContextObject(context.name)) merged.addContext(context);
  }
  return merged;
}

function loadFile(file: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(file);
  } catch (err) {
    throw new Error(`cannot load the kubeconfig ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return kc;
}
