/**
 * Connector and ConnectorClass resolution through the running service, with the exact messages decisions.md
 * gives, and the chain's first step: the method gate answers before path safety. Nothing here reaches an
 * upstream (a Service-based API address resolves to a cluster DNS name, which no test may call: only the
 * unresolved Service case is exercised here; the URL rules of the `ref` form are table-tested in
 * tests/unit/core/class-api-url.test.ts).
 */
import type { KubeObject } from '../../../emulator/index.js';
import { ALICE, resourcesPath, startHarness, type Harness } from '../../helpers/harness.js';
import { send } from '../../helpers/raw-client.js';
import { expectStatus } from '../../helpers/status-assertions.js';

const CONNECTORS = 'connectors.alauda.io/v1alpha1';
const asAlice = { token: ALICE };

describe('Connector and ConnectorClass resolution', () => {
  let h: Harness;
  beforeAll(async () => {
    const objects: KubeObject[] = [
      // A Connector of a class that does not exist.
      { apiVersion: CONNECTORS, kind: 'Connector', metadata: { name: 'orphan', namespace: 'team-a' }, spec: { connectorClassName: 'no-such-class', address: 'https://orphan.example.com' } },
      // A class whose API is a Service that does not exist, and no status: not resolved.
      {
        apiVersion: CONNECTORS, kind: 'ConnectorClass', metadata: { name: 'svc-missing' },
        spec: { api: { ref: { kind: 'Service', name: 'no-such-service', namespace: 'connectors-system' }, uri: '/api' } },
      },
      { apiVersion: CONNECTORS, kind: 'Connector', metadata: { name: 'svc1', namespace: 'team-a' }, spec: { connectorClassName: 'svc-missing', address: 'https://svc1.example.com' } },
    ];
    h = await startHarness({ objects });
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(() => h.upstream.reset());

  it.each<[string, number, string, string, string]>([
    ['an unknown Connector', 404, 'missing', 'NotFound', 'connectors.connectors.alauda.io "missing" not found'],
    ['a Connector whose ConnectorClass does not exist', 400, 'orphan', 'BadRequest', "connectorclass 'no-such-class' of connector 'team-a/orphan' not found"],
    ['a ConnectorClass with no API', 400, 'noapi', 'BadRequest', "api address of connectorclass 'git-noapi' is not resolved"],
    ['a ConnectorClass whose API Service does not exist', 400, 'svc1', 'BadRequest', "api address of connectorclass 'svc-missing' is not resolved"],
  ])('%s → %i Status with the message decisions.md gives, nothing upstream', async (_, code, name, reason, message) => {
    const res = await send(h.url, resourcesPath('team-a', name, 'gitrefs'), asAlice);
    expect(expectStatus(res, code, reason).message).toBe(message);
    expect(h.upstream.requests).toHaveLength(0);
  });

  it('a write to an unsafe path gets the method gate’s 405 first (the chain order), not the path check’s 400', async () => {
    const res = await send(h.url, '/connectors/v1alpha1/namespaces/team-a/connectors/git1/resources/%2e%2e/x', { ...asAlice, method: 'POST', body: 'x' });
    expectStatus(res, 405, 'MethodNotAllowed');
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
    const read = await send(h.url, '/connectors/v1alpha1/namespaces/team-a/connectors/git1/resources/%2e%2e/x', asAlice);
    expectStatus(read, 400, 'BadRequest');
    expect(h.upstream.requests).toHaveLength(0);
  });
});
