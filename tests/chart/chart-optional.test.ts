import { loadConfig } from '../../src/config.js';
import { NAMESPACE, RELEASE, kinds, lint, only, render, type KubeObject } from './helm.js';
import { container, envAsFlags, envOf, type Deployment, type TestPod } from './workload.js';

const ALL_ON = {
  tls: { secretName: 'connectors-api-tls' },
  ingress: { enabled: true, className: 'nginx', host: 'connectors.example.com', tls: { secretName: 'connectors-ingress-tls' } },
  autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 6, targetCPUUtilizationPercentage: 70 },
  serviceMonitor: { enabled: true, interval: '15s' },
  networkPolicy: {
    enabled: true,
    ingress: { namespaceSelectors: [{ matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } }] },
  },
};
const TLS_DIR = '/etc/connectors-api/tls';

interface Port {
  port: number | string;
  protocol: string;
}
interface NetworkPolicy extends KubeObject {
  spec: { policyTypes: string[]; ingress: { ports: Port[]; from?: object[] }[]; egress: { ports?: Port[]; to?: object[] }[] };
}

describe('the chart with every optional part on (ingress with TLS, HPA, ServiceMonitor, NetworkPolicy, tls.secretName)', () => {
  let objects: KubeObject[];
  let deployment: Deployment;
  beforeAll(() => {
    objects = render(ALL_ON);
    deployment = only<Deployment>(objects, 'Deployment');
  });

  it('passes helm lint --strict', () => {
    expect(lint(ALL_ON).status).toBe(0);
  });

  it('adds the Ingress, HorizontalPodAutoscaler, ServiceMonitor and NetworkPolicy', () => {
    expect(kinds(objects)).toEqual(expect.arrayContaining(['HorizontalPodAutoscaler', 'Ingress', 'NetworkPolicy', 'ServiceMonitor']));
  });

  it('serves HTTPS from the mounted Secret: TLS files, port 8443, HTTPS probes', () => {
    const c = container(deployment);
    expect(envOf(c)).toMatchObject({ PORT: '8443', TLS_CERT_FILE: `${TLS_DIR}/tls.crt`, TLS_KEY_FILE: `${TLS_DIR}/tls.key` });
    expect(c.volumeMounts).toContainEqual({ name: 'tls', mountPath: TLS_DIR, readOnly: true });
    expect(deployment.spec.template.spec.volumes).toContainEqual(expect.objectContaining({ name: 'tls', secret: expect.objectContaining({ secretName: 'connectors-api-tls' }) }));
    expect(c.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'https', scheme: 'HTTPS' });
    expect(c.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'https', scheme: 'HTTPS' });
    expect(only(objects, 'Service')).toMatchObject({ spec: { ports: [{ name: 'https', port: 443, targetPort: 'https' }] } });
    const config = loadConfig(envAsFlags(c, NAMESPACE), { KUBERNETES_SERVICE_HOST: '10.0.0.1' });
    expect(config.server.tls).toEqual({ certFile: `${TLS_DIR}/tls.crt`, keyFile: `${TLS_DIR}/tls.key` });
  });

  it('leaves the replica count to the HorizontalPodAutoscaler (autoscaling/v2, CPU)', () => {
    expect(deployment.spec.replicas).toBeUndefined();
    const hpa = only(objects, 'HorizontalPodAutoscaler');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa).toMatchObject({
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: RELEASE },
        minReplicas: 2,
        maxReplicas: 6,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      },
    });
  });

  it('routes /connectors and /connectors-operator through the Ingress with its TLS Secret', () => {
    const backend = { service: { name: RELEASE, port: { name: 'https' } } };
    expect(only(objects, 'Ingress')).toMatchObject({
      spec: {
        ingressClassName: 'nginx',
        tls: [{ hosts: ['connectors.example.com'], secretName: 'connectors-ingress-tls' }],
        rules: [{
          host: 'connectors.example.com',
          http: { paths: [{ path: '/connectors', pathType: 'Prefix', backend }, { path: '/connectors-operator', pathType: 'Prefix', backend }] },
        }],
      },
    });
  });

  it('scrapes /metrics over HTTPS with the ServiceMonitor', () => {
    const monitor = only(objects, 'ServiceMonitor');
    expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(monitor).toMatchObject({ spec: { namespaceSelector: { matchNames: [NAMESPACE] }, endpoints: [{ port: 'https', path: '/metrics', scheme: 'https', interval: '15s' }] } });
  });

  it('admits the service port from the given namespaces and lets out DNS, the API server and HTTP(S) anywhere', () => {
    const policy = only<NetworkPolicy>(objects, 'NetworkPolicy');
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec.ingress).toEqual([
      { ports: [{ port: 'https', protocol: 'TCP' }], from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }] },
    ]);
    const anywhere = policy.spec.egress.filter((rule) => rule.to === undefined).flatMap((rule) => rule.ports ?? []);
    expect(anywhere).toEqual(expect.arrayContaining([
      { port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }, { port: 443, protocol: 'TCP' }, { port: 6443, protocol: 'TCP' },
      { port: 80, protocol: 'TCP' },
    ]));
  });

  it('admits the service port from anywhere when no namespaceSelectors are given', () => {
    const policy = only<NetworkPolicy>(render({ networkPolicy: { enabled: true } }), 'NetworkPolicy');
    expect(policy.spec.ingress).toEqual([{ ports: [{ port: 'http', protocol: 'TCP' }] }]);
  });

  it('has the helm test Pod call /healthz over HTTPS', () => {
    const command = only<TestPod>(objects, 'Pod').spec.containers[0]?.command ?? [];
    expect(command).toContain('--insecure');
    expect(command.at(-1)).toBe(`https://${RELEASE}.${NAMESPACE}.svc:443/healthz`);
  });
});
