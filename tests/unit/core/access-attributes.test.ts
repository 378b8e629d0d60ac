import {
  CONNECTORS_GROUP,
  connectorApisAttributes,
  connectorReadAttributes,
  featureFlagsReadAttributes,
  rbacVerbForMethod,
} from '../../../src/core/access-attributes.js';

describe('access attributes', () => {
  it.each([
    ['team-a', 'github', { verb: 'get', group: 'connectors.alauda.io', resource: 'connectors', namespace: 'team-a', name: 'github' }],
    ['ns', 'my.conn', { verb: 'get', group: 'connectors.alauda.io', resource: 'connectors', namespace: 'ns', name: 'my.conn' }],
  ])('SAR #1 for %s/%s → %j', (namespace, name, expected) => {
    expect(connectorReadAttributes(namespace, name)).toEqual(expected);
  });

  it.each([
    ['ns', 'c', 'git', 'get', { verb: 'get', group: CONNECTORS_GROUP, resource: 'connectors', subresource: 'apis/git', namespace: 'ns', name: 'c' }],
    ['ns', 'c', 'harbor', 'create', { verb: 'create', group: CONNECTORS_GROUP, resource: 'connectors', subresource: 'apis/harbor', namespace: 'ns', name: 'c' }],
  ])('SAR #2 form A for %s/%s class %s verb %s → %j', (namespace, name, cls, verb, expected) => {
    expect(connectorApisAttributes(namespace, name, cls, verb)).toEqual(expected);
  });

  it('the featureflags endpoint needs cluster-scoped get on connectorclasses', () => {
    expect(featureFlagsReadAttributes()).toEqual({ verb: 'get', group: 'connectors.alauda.io', resource: 'connectorclasses' });
  });

  it.each([
    ['GET', 'get'],
    ['HEAD', 'get'],
    ['OPTIONS', 'get'],
    ['POST', 'create'],
    ['PUT', 'update'],
    ['PATCH', 'patch'],
    ['DELETE', 'delete'],
    ['get', 'get'],
    ['delete', 'delete'],
    ['TRACE', undefined],
    ['CONNECT', undefined],
    ['PROPFIND', undefined],
    ['', undefined],
    ['constructor', undefined],
    ['__proto__', undefined],
    ['toString', undefined],
  ])('method %s → verb %j', (method, verb) => {
    expect(rbacVerbForMethod(method)).toBe(verb);
  });
});
