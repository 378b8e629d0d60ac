import { loadConfig } from '../../src/config.js';
import { NAMESPACE, RELEASE, kinds, lint, only, render, type KubeObject } from './helm.js';
import { container, envAsFlags, envOf, type Deployment, type RbacObject, type TestPod } from './workload.js';

const FULLNAME = RELEASE; // the release name already contains the chart name
const SELECTOR = { 'app.kubernetes.io/name': 'connectors', 'app.kubernetes.io/instance': RELEASE, 'control-plane': 'api' };
const FLAGS = [
  'enable-connector-apis-permissions',
  'enable-connector-apis-write-passthrough',
  'enable-connector-proxy-permissions',
  'enable-connectors-approval',
  'enable-custom-ca-certs',
  'enable-multi-connector',
  'enable-pod-image-pull-via-connector',
];

describe('helm lint', () => {
  it('passes --strict with the default values', () => {
    const run = lint();
    expect(`${run.stdout}${run.stderr}`).toContain('0 chart(s) failed');
    expect(run.status).toBe(0);
  });
});

describe('the chart with default values', () => {
  let objects: KubeObject[];
  let deployment: Deployment;
  beforeAll(() => {
    objects = render();
    deployment = only<Deployment>(objects, 'Deployment');
  });

  it('renders the always-on objects and none of the optional ones', () => {
    expect(kinds(objects)).toEqual([
      'ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'Deployment', 'Pod', 'PodDisruptionBudget', 'Role', 'RoleBinding',
      'Service', 'ServiceAccount',
    ]);
  });

  it('grants the ClusterRole exactly the reviews and the watched resources the service uses', () => {
    expect(only<RbacObject>(objects, 'ClusterRole').rules).toEqual([
      { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
      { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
      { apiGroups: ['connectors.alauda.io'], resources: ['connectors', 'connectorclasses'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['secrets', 'services'], verbs: ['get', 'list', 'watch'] },
    ]);
  });

  it('grants configmaps get/list/watch only through a Role in the release namespace', () => {
    const role = only<RbacObject>(objects, 'Role');
    expect(role.metadata.namespace).toBe(NAMESPACE);
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }]);
  });

  it('binds both roles to the ServiceAccount the Deployment runs as', () => {
    const subject = { kind: 'ServiceAccount', name: FULLNAME, namespace: NAMESPACE };
    expect(only<RbacObject>(objects, 'ClusterRoleBinding')).toMatchObject({ roleRef: { kind: 'ClusterRole', name: FULLNAME }, subjects: [subject] });
    expect(only<RbacObject>(objects, 'RoleBinding')).toMatchObject({ roleRef: { kind: 'Role', name: FULLNAME }, subjects: [subject] });
    expect(only(objects, 'ServiceAccount').metadata.name).toBe(FULLNAME);
    expect(deployment.spec.template.spec).toMatchObject({ serviceAccountName: FULLNAME, automountServiceAccountToken: true });
  });

  it('runs the container non-root, read-only, without privilege escalation or capabilities, under RuntimeDefault seccomp', () => {
    expect(deployment.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container(deployment).securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 65532,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container(deployment).volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    expect(deployment.spec.template.spec.volumes).toContainEqual(expect.objectContaining({ name: 'tmp', emptyDir: expect.any(Object) }));
  });

  it('sets every configuration variable from values, and POD_NAMESPACE from the downward API', () => {
    expect(envOf(container(deployment))).toEqual({
      PORT: '8080',
      HOST: '0.0.0.0',
      POD_NAMESPACE: 'fieldRef:metadata.namespace',
      CONFIG_FEATURE_FLAGS_NAME: 'connectors-config',
      UPSTREAM_TIMEOUT_MS: '30000',
      KUBE_REVIEW_TIMEOUT_MS: '5000',
      AUTH_CACHE_ALLOW_TTL_MS: '10000',
      AUTH_CACHE_DENY_TTL_MS: '2000',
      AUTH_CACHE_MAX_ENTRIES: '100000',
      PLUGIN_AUTH_ENCODING: 'base64',
      LOG_LEVEL: 'info',
      KEEP_ALIVE_TIMEOUT_MS: '65000',
      SHUTDOWN_TIMEOUT_MS: '8000',
    });
  });

  it('sets only variables src/config.ts knows, with values it accepts', () => {
    const config = loadConfig(envAsFlags(container(deployment), NAMESPACE), { KUBERNETES_SERVICE_HOST: '10.0.0.1' });
    expect(config.server).toMatchObject({ host: '0.0.0.0', port: 8080, tls: undefined, shutdownTimeoutMs: 8000 });
    expect(config.kube).toMatchObject({ podNamespace: NAMESPACE, featureFlagsConfigMap: 'connectors-config', reviewTimeoutMs: 5000 });
    expect(config.upstream).toEqual({ timeoutMs: 30000, pluginAuthEncoding: 'base64' });
  });

  it('probes /healthz for liveness and /readyz for readiness over HTTP on the named port', () => {
    const c = container(deployment);
    expect(c.ports).toEqual([expect.objectContaining({ name: 'http', containerPort: 8080 })]);
    expect(c.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http', scheme: 'HTTP' });
    expect(c.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http', scheme: 'HTTP' });
    expect(c.resources?.requests).toEqual(expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }));
  });

  it('runs two replicas spread across nodes, and outlives the 10 s drain bound on termination', () => {
    const pod = deployment.spec.template.spec;
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.selector.matchLabels).toEqual(SELECTOR);
    expect(deployment.spec.template.metadata.labels).toMatchObject(SELECTOR);
    expect(pod.topologySpreadConstraints).toEqual([
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: SELECTOR } },
    ]);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(10);
    expect(only(objects, 'PodDisruptionBudget')).toMatchObject({ spec: { minAvailable: 1, selector: { matchLabels: SELECTOR } } });
  });

  it('creates the feature-flag ConfigMap with every flag "false"', () => {
    const flags = only(objects, 'ConfigMap', 'connectors-config');
    expect(flags.metadata.namespace).toBe(NAMESPACE);
    expect(flags.data).toEqual(Object.fromEntries(FLAGS.map((f) => [f, 'false'])));
  });

  it('exposes the service port by name and has a non-root helm test Pod that curls /healthz', () => {
    expect(only(objects, 'Service')).toMatchObject({ spec: { selector: SELECTOR, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } });
    const hook = only<TestPod>(objects, 'Pod');
    expect(hook.metadata.annotations?.['helm.sh/hook']).toBe('test');
    expect(hook.metadata.labels?.['control-plane']).toBeUndefined(); // the Service must not select it
    expect(hook.spec.securityContext).toMatchObject({ runAsNonRoot: true });
    expect(hook.spec.containers[0]?.command?.at(-1)).toBe(`http://${FULLNAME}.${NAMESPACE}.svc:80/healthz`);
  });
});
