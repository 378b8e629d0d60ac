import { StatusError } from '../../../src/errors.js';
import { notResolved, resolveClassApiUrl, type ServiceLookup } from '../../../src/core/class-api-url.js';
import type { ConnectorClass, Service, ServicePort } from '../../../src/core/types.js';

type Api = NonNullable<NonNullable<ConnectorClass['spec']>['api']>;

function cls(api: Api | undefined, statusUrl?: string, name = 'git'): ConnectorClass {
  return {
    metadata: { name },
    ...(api === undefined ? {} : { spec: { api } }),
    ...(statusUrl === undefined ? {} : { status: { api: { address: { url: statusUrl } } } }),
  };
}

function service(namespace: string, name: string, ports: ServicePort[] | undefined): Service {
  return { metadata: { name, namespace }, spec: ports === undefined ? {} : { ports } };
}

/** A lookup over a fixed set of Services that records what was asked. */
function lookup(...services: Service[]): ServiceLookup & { asked: string[] } {
  const asked: string[] = [];
  const fn = ((namespace: string, name: string) => {
    asked.push(`${namespace}/${name}`);
    return services.find((s) => s.metadata.namespace === namespace && s.metadata.name === name);
  }) as ServiceLookup & { asked: string[] };
  fn.asked = asked;
  return fn;
}

const POD_NS = 'connectors-system';

describe('resolveClassApiUrl', () => {
  it.each([
    // 1. the published status url wins over everything
    ['status url wins over absolute uri', cls({ uri: 'https://other/api' }, 'http://published:9000/x'), 'http://published:9000/x'],
    ['status url wins over a Service ref', cls({ ref: { kind: 'Service', name: 'git', namespace: 'default' } }, 'https://published'), 'https://published'],
    ['status url alone', cls(undefined, 'http://published'), 'http://published'],
    // non-http status urls are ignored
    ['ftp status url ignored', cls({ uri: 'https://abs/api' }, 'ftp://published'), 'https://abs/api'],
    ['garbage status url ignored', cls({ uri: 'https://abs/api' }, 'not a url'), 'https://abs/api'],
    ['empty status url ignored', cls({ uri: 'https://abs/api' }, ''), 'https://abs/api'],
    ['relative status url ignored', cls({ uri: 'http://abs' }, '/api'), 'http://abs'],
    // 2. absolute uri
    ['absolute https uri', cls({ uri: 'https://git.default.svc/api' }), 'https://git.default.svc/api'],
    ['absolute http uri with port', cls({ uri: 'http://10.0.0.1:8080' }), 'http://10.0.0.1:8080'],
    ['absolute uri wins over ref', cls({ uri: 'https://abs/x', ref: { kind: 'Service', name: 'git', namespace: 'default' } }), 'https://abs/x'],
    // 3. Service ref
    ['Service port 80 → http, no port', cls({ ref: { kind: 'Service', name: 'git', namespace: 'default' } }), 'http://git.default.svc.cluster.local'],
    ['kind defaults to Service', cls({ ref: { name: 'git', namespace: 'default' } }), 'http://git.default.svc.cluster.local'],
    ['Service port 443 → https, no port', cls({ ref: { kind: 'Service', name: 'tls443', namespace: 'default' } }), 'https://tls443.default.svc.cluster.local'],
    ['Service port named https on 8443 → https with port', cls({ ref: { kind: 'Service', name: 'named', namespace: 'default' } }), 'https://named.default.svc.cluster.local:8443'],
    ['Service port named https on 80 → https with :80', cls({ ref: { kind: 'Service', name: 'https80', namespace: 'default' } }), 'https://https80.default.svc.cluster.local:80'],
    ['Service port 8080 → http with port', cls({ ref: { kind: 'Service', name: 'alt', namespace: 'default' } }), 'http://alt.default.svc.cluster.local:8080'],
    ['first port is chosen', cls({ ref: { kind: 'Service', name: 'multi', namespace: 'default' } }), 'http://multi.default.svc.cluster.local:9000'],
    ['empty ref.namespace → default namespace', cls({ ref: { kind: 'Service', name: 'local', namespace: '' } }), `http://local.${POD_NS}.svc.cluster.local`],
    ['absent ref.namespace → default namespace', cls({ ref: { kind: 'Service', name: 'local' } }), `http://local.${POD_NS}.svc.cluster.local`],
    // relative uri appended as a prefix with single slashes
    ['relative uri /api', cls({ ref: { name: 'git', namespace: 'default' }, uri: '/api' }), 'http://git.default.svc.cluster.local/api'],
    ['relative uri api', cls({ ref: { name: 'git', namespace: 'default' }, uri: 'api' }), 'http://git.default.svc.cluster.local/api'],
    ['relative uri //api//', cls({ ref: { name: 'git', namespace: 'default' }, uri: '//api//' }), 'http://git.default.svc.cluster.local/api'],
    ['relative uri /api/v1/', cls({ ref: { name: 'git', namespace: 'default' }, uri: '/api/v1/' }), 'http://git.default.svc.cluster.local/api/v1'],
    ['relative uri /', cls({ ref: { name: 'git', namespace: 'default' }, uri: '/' }), 'http://git.default.svc.cluster.local'],
    ['relative uri with surrounding blanks', cls({ ref: { name: 'git', namespace: 'default' }, uri: '  /api  ' }), 'http://git.default.svc.cluster.local/api'],
    ['relative uri after https port', cls({ ref: { name: 'named', namespace: 'default' }, uri: '/api' }), 'https://named.default.svc.cluster.local:8443/api'],
  ])('%s', (_label, connectorClass, expected) => {
    const services = lookup(
      service('default', 'git', [{ port: 80 }]),
      service('default', 'tls443', [{ port: 443 }]),
      service('default', 'named', [{ name: 'https', port: 8443 }]),
      service('default', 'https80', [{ name: 'https', port: 80 }]),
      service('default', 'alt', [{ name: 'http', port: 8080 }]),
      service('default', 'multi', [{ name: 'web', port: 9000 }, { name: 'https', port: 443 }]),
      service(POD_NS, 'local', [{ port: 80 }]),
    );
    expect(resolveClassApiUrl(connectorClass, services, POD_NS)).toBe(expected);
  });

  it('looks the Service up in ref.namespace, or in the default namespace when it is empty', () => {
    const services = lookup(service('default', 'git', [{ port: 80 }]), service(POD_NS, 'git', [{ port: 80 }]));
    resolveClassApiUrl(cls({ ref: { name: 'git', namespace: 'default' } }), services, POD_NS);
    resolveClassApiUrl(cls({ ref: { name: 'git', namespace: '' } }), services, POD_NS);
    expect(services.asked).toEqual(['default/git', `${POD_NS}/git`]);
  });

  it.each([
    ['no spec at all', cls(undefined)],
    ['empty spec.api', cls({})],
    ['missing Service', cls({ ref: { kind: 'Service', name: 'absent', namespace: 'default' } })],
    ['Service in another namespace only', cls({ ref: { kind: 'Service', name: 'git', namespace: 'other' } })],
    ['Service without ports', cls({ ref: { kind: 'Service', name: 'noports', namespace: 'default' } })],
    ['Service with an empty port list', cls({ ref: { kind: 'Service', name: 'emptyports', namespace: 'default' } })],
    ['ref of another kind', cls({ ref: { kind: 'Deployment', name: 'git', namespace: 'default' } })],
    ['ref without a name', cls({ ref: { kind: 'Service', namespace: 'default' } })],
    ['relative uri without a ref', cls({ uri: '/api' })],
    ['non-http absolute uri', cls({ uri: 'ftp://host/api' })],
    ['blank uri', cls({ uri: '   ' })],
    ['non-http status url and nothing else', cls(undefined, 'ftp://x')],
  ])('%s → 400 "api address of connectorclass \'git\' is not resolved"', (_label, connectorClass) => {
    const services = lookup(service('default', 'git', [{ port: 80 }]), service('default', 'noports', undefined), service('default', 'emptyports', []));
    let caught: unknown;
    try {
      resolveClassApiUrl(connectorClass, services, POD_NS);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(StatusError);
    expect((caught as StatusError).toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: "api address of connectorclass 'git' is not resolved",
      reason: 'BadRequest',
      code: 400,
    });
  });

  it.each([['git'], ['my-class.v2']])('notResolved(%j) names the class verbatim', (name) => {
    const err = notResolved(name);
    expect([err.code, err.reason, err.message]).toEqual([400, 'BadRequest', `api address of connectorclass '${name}' is not resolved`]);
  });
});
