import type { KubeObject } from './helm.js';

/** The Deployment fields the chart tests read. */
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}
export interface Probe {
  httpGet: { path: string; port: string | number; scheme: string };
}
export interface Container {
  name: string;
  image: string;
  command?: string[];
  ports?: { name: string; containerPort: number }[];
  env?: EnvVar[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    runAsNonRoot?: boolean;
    runAsUser?: number;
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    capabilities?: { drop?: string[] };
    seccompProfile?: { type: string };
  };
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}
export interface PodSpec {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type: string } };
  containers: Container[];
  volumes?: { name: string; emptyDir?: object; secret?: { secretName: string } }[];
  topologySpreadConstraints?: {
    maxSkew: number;
    topologyKey: string;
    whenUnsatisfiable: string;
    labelSelector: { matchLabels: Record<string, string> };
  }[];
}
export interface Deployment extends KubeObject {
  spec: {
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
  };
}
export interface TestPod extends KubeObject {
  spec: PodSpec;
}
export interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}
export interface RbacObject extends KubeObject {
  rules?: Rule[];
  roleRef?: { kind: string; name: string };
  subjects?: { kind: string; name: string; namespace?: string }[];
}

export function container(deployment: Deployment): Container {
  const found = deployment.spec.template.spec.containers;
  if (found.length !== 1) throw new Error(`expected one container, rendered ${found.length}`);
  return found[0] as Container;
}

/** env as name → value, with valueFrom rendered as `fieldRef:<path>`. */
export function envOf(c: Container): Record<string, string> {
  return Object.fromEntries(
    (c.env ?? []).map((e) => [e.name, e.value ?? (e.valueFrom?.fieldRef ? `fieldRef:${e.valueFrom.fieldRef.fieldPath}` : '?')]),
  );
}

/** env as the service's own flags (`--upstream-timeout-ms 30000`): loadConfig rejects any name it does not know. */
export function envAsFlags(c: Container, podNamespace: string): string[] {
  return Object.entries(envOf(c)).flatMap(([name, value]) => [
    `--${name.toLowerCase().replace(/_/g, '-')}`,
    value === 'fieldRef:metadata.namespace' ? podNamespace : value,
  ]);
}
