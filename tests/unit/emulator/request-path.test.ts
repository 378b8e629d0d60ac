import { parseRequestPath, type RequestInfo } from '../../../emulator/request-path.js';

type Expected = Partial<RequestInfo>;

describe('parseRequestPath (requestinfo.go)', () => {
  it.each<[string, string, Expected]>([
    ['GET', '/api/v1/namespaces', { isResourceRequest: true, verb: 'list', apiGroup: '', apiVersion: 'v1', resource: 'namespaces', namespace: '', name: '' }],
    ['GET', '/api/v1/namespaces/team-a', { verb: 'get', resource: 'namespaces', namespace: 'team-a', name: 'team-a' }],
    ['GET', '/api/v1/namespaces/team-a/status', { verb: 'get', resource: 'namespaces', name: 'team-a', subresource: 'status' }],
    ['GET', '/api/v1/secrets', { verb: 'list', resource: 'secrets', namespace: '' }],
    ['GET', '/api/v1/namespaces/ns/secrets', { verb: 'list', resource: 'secrets', namespace: 'ns', parts: ['secrets'] }],
    ['GET', '/api/v1/namespaces/ns/secrets/s1', { verb: 'get', resource: 'secrets', namespace: 'ns', name: 's1', parts: ['secrets', 's1'] }],
    ['GET', '/api/v1/namespaces/ns/secrets?watch=true', { verb: 'watch', resource: 'secrets' }],
    ['GET', '/api/v1/namespaces/ns/secrets?watch=1', { verb: 'watch' }],
    ['GET', '/api/v1/namespaces/ns/secrets?watch=false', { verb: 'list' }],
    ['GET', '/api/v1/watch/namespaces/ns/secrets', { verb: 'watch', resource: 'secrets', namespace: 'ns' }],
    ['GET', '/api/v1/namespaces/ns/secrets?fieldSelector=metadata.name%3Ds1', { verb: 'list', name: 's1', parts: ['secrets'] }],
    ['HEAD', '/api/v1/namespaces/ns/secrets/s1', { verb: 'get' }],
    ['POST', '/api/v1/namespaces/ns/secrets', { verb: 'create', name: '' }],
    ['PUT', '/api/v1/namespaces/ns/secrets/s1', { verb: 'update', name: 's1' }],
    ['PATCH', '/api/v1/namespaces/ns/secrets/s1', { verb: 'patch' }],
    ['DELETE', '/api/v1/namespaces/ns/secrets/s1', { verb: 'delete' }],
    ['DELETE', '/api/v1/namespaces/ns/secrets', { verb: 'deletecollection' }],
    ['GET', '/apis/connectors.alauda.io/v1alpha1/connectorclasses', { apiGroup: 'connectors.alauda.io', apiVersion: 'v1alpha1', resource: 'connectorclasses', verb: 'list', namespace: '' }],
    ['GET', '/apis/connectors.alauda.io/v1alpha1/connectorclasses/git', { resource: 'connectorclasses', name: 'git', verb: 'get' }],
    ['GET', '/apis/connectors.alauda.io/v1alpha1/namespaces/ns/connectors/c1', { apiGroup: 'connectors.alauda.io', resource: 'connectors', namespace: 'ns', name: 'c1' }],
    ['GET', '/apis/connectors.alauda.io/v1alpha1/namespaces/ns/connectors/c1/status', { name: 'c1', subresource: 'status', parts: ['connectors', 'c1', 'status'] }],
    ['POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', { apiGroup: 'authorization.k8s.io', resource: 'subjectaccessreviews', verb: 'create' }],
    ['GET', '/apis/rbac.authorization.k8s.io/v1/namespaces/ns/rolebindings', { apiGroup: 'rbac.authorization.k8s.io', resource: 'rolebindings', namespace: 'ns', verb: 'list' }],
    ['GET', '/api/v1/namespaces/a%20b/secrets', { namespace: 'a b' }],
  ])('%s %s', (method, target, expected) => {
    const url = new URL(target, 'https://127.0.0.1');
    expect(parseRequestPath(method, url.pathname, url.searchParams)).toMatchObject({ isResourceRequest: true, ...expected });
  });

  it.each<[string, string, string]>([
    ['GET', '/healthz', 'get'],
    ['GET', '/api', 'get'],
    ['GET', '/api/v1', 'get'],
    ['GET', '/apis/connectors.alauda.io', 'get'],
    ['GET', '/apis/connectors.alauda.io/v1alpha1', 'get'],
    ['POST', '/foo/bar/baz', 'post'],
  ])('%s %s is a non-resource request with verb %s', (method, path, verb) => {
    expect(parseRequestPath(method, path, new URLSearchParams())).toMatchObject({ isResourceRequest: false, verb, path });
  });

  it('throws on a malformed %-escape', () => {
    expect(() => parseRequestPath('GET', '/api/v1/namespaces/%E0%A4%A', new URLSearchParams())).toThrow(URIError);
  });
});
