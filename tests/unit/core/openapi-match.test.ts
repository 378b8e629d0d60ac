import { StatusError } from '../../../src/errors.js';
import { matchOperation, type MatchedOperation } from '../../../src/core/openapi-match.js';

/** The raw segments of an api-path as the router hands them over: '/a/b/' → ['a', 'b', '']. */
function segs(apiPath: string): string[] {
  return apiPath.replace(/^\//, '').split('/');
}

const CLASS = 'gitlab';
const PROXY_NO_MATCH: MatchedOperation = { template: undefined, providerType: 'proxy', openapiAddress: undefined };

function match(openapi: unknown, apiPath: string, method = 'GET', className = CLASS): MatchedOperation {
  return matchOperation(openapi, segs(apiPath), method, className);
}

/** Each template answers GET with `api` and names itself in x-openapi-address, so the winner is visible. */
function doc(...templates: string[]): { paths: Record<string, unknown> } {
  const paths: Record<string, unknown> = {};
  for (const t of templates) paths[t] = { get: { 'x-provider-type': 'api', 'x-openapi-address': `addr:${t}` } };
  return { paths };
}

function thrown(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StatusError);
    return e as StatusError;
  }
  throw new Error('expected a StatusError, nothing was thrown');
}

describe('matchOperation: nothing to match → proxy without a template', () => {
  it.each([
    ['undefined document', undefined],
    ['null document', null],
    ['a string document', 'openapi: 3.0.0'],
    ['an array document', [{ paths: {} }]],
    ['no paths', { openapi: '3.0.0', info: { title: 't' } }],
    ['paths is null', { paths: null }],
    ['paths is an array', { paths: ['/api/v4/projects'] }],
    ['empty paths', { paths: {} }],
    ['no template matches', doc('/api/v4/groups', '/api/v4/projects/{id}/repository')],
    ['a key without a leading slash is ignored', { paths: { 'api/v4/projects': { get: { 'x-provider-type': 'api' } } } }],
    ['a path item that is not an object is ignored', { paths: { '/api/v4/projects': 'api' } }],
  ] as const)('%s', (_label, openapi) => {
    expect(match(openapi, '/api/v4/projects')).toEqual(PROXY_NO_MATCH);
  });
});

describe('matchOperation: path templates', () => {
  it.each([
    // [label, templates, api-path, expected template or undefined]
    ['literal match', ['/api/v4/projects'], '/api/v4/projects', '/api/v4/projects'],
    ['literal single segment', ['/gitlab/custom-api'], '/gitlab/custom-api', '/gitlab/custom-api'],
    ['literal: a longer path does not match', ['/api/v4/projects'], '/api/v4/projects/1', undefined],
    ['literal: a shorter path does not match', ['/api/v4/projects'], '/api/v4', undefined],
    ['{x} matches one segment', ['/api/v4/projects/{id}'], '/api/v4/projects/42', '/api/v4/projects/{id}'],
    ['{x} matches a still-encoded segment', ['/api/v4/projects/{id}/repository/branches'], '/api/v4/projects/devops%2Fdemo/repository/branches', '/api/v4/projects/{id}/repository/branches'],
    ['{x} matches percent-encoded bytes of any kind', ['/files/{name}'], '/files/caf%C3%A9%20x', '/files/{name}'],
    ['{x} does not match an empty segment', ['/api/v4/projects/{id}/repository'], '/api/v4/projects//repository', undefined],
    ['{x} at the end does not match an empty trailing segment', ['/api/v4/projects/{id}'], '/api/v4/projects/', undefined],
    ['{x} does not match two segments', ['/api/v4/projects/{id}/repository'], '/api/v4/projects/devops/demo/repository', undefined],
    ['{x} at the end does not match two segments', ['/api/v4/projects/{id}'], '/api/v4/projects/devops/demo', undefined],
    ['literal segments are case-sensitive', ['/api/v4/projects'], '/API/v4/Projects', undefined],
    ['literal segments are case-sensitive (one letter)', ['/api/v4/projects'], '/api/v4/projectS', undefined],
    ['literals compare raw: an encoded segment does not equal its decoded literal', ['/a/b c'], '/a/b%20c', undefined],
    ['literals compare raw: encoded literal matches the encoded segment', ['/a/b%20c'], '/a/b%20c', '/a/b%20c'],
    ['regex metacharacters in a literal are literal', ['/v1.0/a+b'], '/v1x0/aab', undefined],
    ['regex metacharacters in a literal match themselves', ['/v1.0/a+b'], '/v1.0/a+b', '/v1.0/a+b'],
    ['trailing slash: /a/ does not match /a', ['/a/'], '/a', undefined],
    ['trailing slash: /a does not match /a/', ['/a'], '/a/', undefined],
    ['trailing slash: /a/ matches /a/', ['/a/'], '/a/', '/a/'],
    ['trailing slash: /a matches /a', ['/a'], '/a', '/a'],
    ['mixed segment {name}.json', ['/files/{name}.json'], '/files/report.json', '/files/{name}.json'],
    ['mixed segment {name}.json: wrong suffix', ['/files/{name}.json'], '/files/report.yaml', undefined],
    ['mixed segment {name}.json: "." is not a wildcard', ['/files/{name}.json'], '/files/reportxjson', undefined],
    ['mixed segment {name}.json: empty name', ['/files/{name}.json'], '/files/.json', undefined],
    ['mixed segment with an encoded variable', ['/files/{name}.json'], '/files/a%2Fb.json', '/files/{name}.json'],
    ['mixed segment v{major}', ['/api/v{major}/x'], '/api/v4/x', '/api/v{major}/x'],
    ['two variables in one segment', ['/r/{a}-{b}'], '/r/x-y', '/r/{a}-{b}'],
  ] as const)('%s', (_label, templates, apiPath, expected) => {
    const result = match(doc(...templates), apiPath);
    expect(result.template).toBe(expected);
    if (expected === undefined) expect(result).toEqual(PROXY_NO_MATCH);
    else expect(result).toEqual({ template: expected, providerType: 'api', openapiAddress: `addr:${expected}` });
  });
});

describe('matchOperation: precedence among matching templates', () => {
  it.each([
    // [label, templates (in declaration order), api-path, expected winner]
    ['concrete before templated', ['/api/v4/projects/{id}', '/api/v4/projects/starred'], '/api/v4/projects/starred', '/api/v4/projects/starred'],
    ['templated still matches other values', ['/api/v4/projects/{id}', '/api/v4/projects/starred'], '/api/v4/projects/123', '/api/v4/projects/{id}'],
    ['more literals win over fewer', ['/{a}/{b}/{c}', '/x/{b}/{c}', '/x/y/{c}'], '/x/y/z', '/x/y/{c}'],
    ['all literal wins over all templated', ['/{a}/{b}', '/x/y'], '/x/y', '/x/y'],
    ['tie in literal count: earliest literal wins', ['/{a}/b/{c}', '/a/{b}/{c}'], '/a/b/c', '/a/{b}/{c}'],
    ['tie in literal count: earliest literal wins, later position', ['/{a}/{b}/c', '/{a}/b/{c}'], '/a/b/c', '/{a}/b/{c}'],
    ['tie with two literals each', ['/{a}/b/c', '/a/{b}/c', '/a/b/{c}'], '/a/b/c', '/a/b/{c}'],
    ['a literal beats a mixed segment', ['/files/{name}.json', '/files/index.json'], '/files/index.json', '/files/index.json'],
  ] as const)('%s', (_label, templates, apiPath, expected) => {
    // The winner does not depend on declaration order.
    for (const order of [[...templates], [...templates].reverse()]) {
      expect(match(doc(...order), apiPath).template).toBe(expected);
    }
  });

  it('equally specific templates: the first declared wins, deterministically', () => {
    expect(match(doc('/x/{a}', '/x/{b}'), '/x/1').template).toBe('/x/{a}');
    expect(match(doc('/x/{b}', '/x/{a}'), '/x/1').template).toBe('/x/{b}');
  });

  it('a mixed segment counts as templated: {name}.json ties with {name}, the first declared wins', () => {
    expect(match(doc('/files/{name}.json', '/files/{name}'), '/files/a.json').template).toBe('/files/{name}.json');
    expect(match(doc('/files/{name}', '/files/{name}.json'), '/files/a.json').template).toBe('/files/{name}');
  });

  it('templates of another length never compete', () => {
    const d = doc('/api/v4/projects', '/api/v4/projects/{id}', '/api/v4/projects/{id}/{sub}');
    expect(match(d, '/api/v4/projects').template).toBe('/api/v4/projects');
    expect(match(d, '/api/v4/projects/7').template).toBe('/api/v4/projects/{id}');
    expect(match(d, '/api/v4/projects/7/hooks').template).toBe('/api/v4/projects/{id}/{sub}');
    expect(match(d, '/api/v4/projects/7/hooks/1')).toEqual(PROXY_NO_MATCH);
  });
});

describe('matchOperation: operation for the method', () => {
  const openapi = {
    paths: {
      '/only-get': { get: { 'x-provider-type': 'api' } },
      '/own-head-options': {
        get: { 'x-provider-type': 'api', 'x-openapi-address': 'get-addr' },
        head: { 'x-provider-type': 'proxy', 'x-openapi-address': 'head-addr' },
        options: { 'x-provider-type': 'proxy' },
      },
      '/writes': {
        get: { 'x-provider-type': 'proxy' },
        post: { 'x-provider-type': 'api' },
        put: { 'x-provider-type': 'api', 'x-openapi-address': 'put-addr' },
        patch: { 'x-provider-type': 'proxy', 'x-openapi-address': 'https://patch.example.com' },
        delete: { 'x-provider-type': 'api' },
      },
      '/no-get': { post: { 'x-provider-type': 'api' } },
      '/no-operations': {},
      '/parameters-only': { parameters: [{ name: 'x', in: 'query' }], summary: 's' },
    },
  };

  it.each([
    // [label, api-path, method, expected]
    ['GET → get', '/only-get', 'GET', { template: '/only-get', providerType: 'api', openapiAddress: undefined }],
    ['HEAD without head: → get', '/only-get', 'HEAD', { template: '/only-get', providerType: 'api', openapiAddress: undefined }],
    ['OPTIONS without options: → get', '/only-get', 'OPTIONS', { template: '/only-get', providerType: 'api', openapiAddress: undefined }],
    ['HEAD with its own head:', '/own-head-options', 'HEAD', { template: '/own-head-options', providerType: 'proxy', openapiAddress: 'head-addr' }],
    ['OPTIONS with its own options:', '/own-head-options', 'OPTIONS', { template: '/own-head-options', providerType: 'proxy', openapiAddress: undefined }],
    ['GET still uses get: when head:/options: exist', '/own-head-options', 'GET', { template: '/own-head-options', providerType: 'api', openapiAddress: 'get-addr' }],
    ['POST with only get: → proxy, template still reported', '/only-get', 'POST', { template: '/only-get', providerType: 'proxy', openapiAddress: undefined }],
    ['PUT with only get: → proxy, template still reported', '/only-get', 'PUT', { template: '/only-get', providerType: 'proxy', openapiAddress: undefined }],
    ['PATCH with only get: → proxy, template still reported', '/only-get', 'PATCH', { template: '/only-get', providerType: 'proxy', openapiAddress: undefined }],
    ['DELETE with only get: → proxy, template still reported', '/only-get', 'DELETE', { template: '/only-get', providerType: 'proxy', openapiAddress: undefined }],
    ['POST → post:', '/writes', 'POST', { template: '/writes', providerType: 'api', openapiAddress: undefined }],
    ['PUT → put:', '/writes', 'PUT', { template: '/writes', providerType: 'api', openapiAddress: 'put-addr' }],
    ['PATCH → patch:', '/writes', 'PATCH', { template: '/writes', providerType: 'proxy', openapiAddress: 'https://patch.example.com' }],
    ['DELETE → delete:', '/writes', 'DELETE', { template: '/writes', providerType: 'api', openapiAddress: undefined }],
    ['GET → get: among writes', '/writes', 'GET', { template: '/writes', providerType: 'proxy', openapiAddress: undefined }],
    ['GET with only post: → proxy, template reported', '/no-get', 'GET', { template: '/no-get', providerType: 'proxy', openapiAddress: undefined }],
    ['HEAD with neither head: nor get: → proxy, template reported', '/no-get', 'HEAD', { template: '/no-get', providerType: 'proxy', openapiAddress: undefined }],
    ['empty path item → proxy, template reported', '/no-operations', 'GET', { template: '/no-operations', providerType: 'proxy', openapiAddress: undefined }],
    ['path item with only parameters/summary → proxy', '/parameters-only', 'GET', { template: '/parameters-only', providerType: 'proxy', openapiAddress: undefined }],
  ] as const)('%s', (_label, apiPath, method, expected) => {
    expect(match(openapi, apiPath, method)).toEqual(expected);
  });

  it('an operation that is not an object → proxy, template reported', () => {
    const d = { paths: { '/a': { get: 'api' }, '/b': { get: null }, '/c': { get: ['api'] } } };
    for (const p of ['/a', '/b', '/c']) {
      expect(match(d, p)).toEqual({ template: p, providerType: 'proxy', openapiAddress: undefined });
    }
  });
});

describe('matchOperation: x-provider-type and x-openapi-address', () => {
  function one(operation: unknown): unknown {
    return { paths: { '/repos/{owner}/{repo}/pulls': { get: operation } } };
  }
  const PATH = '/repos/octo/hello/pulls';
  const TEMPLATE = '/repos/{owner}/{repo}/pulls';

  it.each([
    // [label, operation, expected providerType, expected openapiAddress]
    ['api', { 'x-provider-type': 'api' }, 'api', undefined],
    ['proxy', { 'x-provider-type': 'proxy' }, 'proxy', undefined],
    ['missing extension → proxy', { summary: 'List pulls' }, 'proxy', undefined],
    ['empty operation → proxy', {}, 'proxy', undefined],
    ['x-openapi-address: an extension name', { 'x-provider-type': 'proxy', 'x-openapi-address': 'api' }, 'proxy', 'api'],
    ['x-openapi-address: a full URL', { 'x-provider-type': 'proxy', 'x-openapi-address': 'https://api.github.com' }, 'proxy', 'https://api.github.com'],
    ['x-openapi-address without x-provider-type', { 'x-openapi-address': 'api' }, 'proxy', 'api'],
    ['x-openapi-address: empty string → undefined', { 'x-provider-type': 'proxy', 'x-openapi-address': '' }, 'proxy', undefined],
    ['x-openapi-address: not a string → undefined', { 'x-provider-type': 'proxy', 'x-openapi-address': 7 }, 'proxy', undefined],
    ['x-openapi-address on an api operation is returned as declared', { 'x-provider-type': 'api', 'x-openapi-address': 'api' }, 'api', 'api'],
  ] as const)('%s', (_label, operation, providerType, openapiAddress) => {
    expect(match(one(operation), PATH)).toEqual({ template: TEMPLATE, providerType, openapiAddress });
  });

  it.each([
    ['upper-case API', 'API'],
    ['Proxy', 'Proxy'],
    ['tool', 'tool'],
    ['empty string', ''],
    ['a number', 1],
    ['a boolean', true],
    ['an object', { type: 'api' }],
  ] as const)('unknown x-provider-type (%s) → 400 naming the class and the template', (_label, value) => {
    const err = thrown(() => matchOperation(one({ 'x-provider-type': value }), segs(PATH), 'GET', 'github-enterprise'));
    expect(err.code).toBe(400);
    expect(err.reason).toBe('BadRequest');
    expect(err.message).toContain('github-enterprise');
    expect(err.message).toContain(TEMPLATE);
  });

  it('an unknown x-provider-type on an operation not used by the method does not fail', () => {
    const d = { paths: { '/a': { get: { 'x-provider-type': 'api' }, post: { 'x-provider-type': 'tool' } } } };
    expect(match(d, '/a', 'GET')).toEqual({ template: '/a', providerType: 'api', openapiAddress: undefined });
    expect(() => match(d, '/a', 'POST')).toThrow(StatusError);
  });
});

describe('matchOperation: examples from the spec', () => {
  const openapi = {
    openapi: '3.0.0',
    paths: {
      '/gitlab/custom-api': { get: { 'x-provider-type': 'api' } },
      '/api/v4/projects': { get: { 'x-provider-type': 'proxy' } },
      '/repos/{owner}/{repo}/pulls': { get: { 'x-provider-type': 'proxy', 'x-openapi-address': 'api' } },
      '/api/v4/projects/{project_id}/repository/branches': { get: { 'x-provider-type': 'proxy' } },
    },
  };

  it.each([
    ['/gitlab/custom-api', { template: '/gitlab/custom-api', providerType: 'api', openapiAddress: undefined }],
    ['/api/v4/projects', { template: '/api/v4/projects', providerType: 'proxy', openapiAddress: undefined }],
    ['/repos/katanomi/pkg/pulls', { template: '/repos/{owner}/{repo}/pulls', providerType: 'proxy', openapiAddress: 'api' }],
    ['api/v4/projects/devops%2Fkatanomi/repository/branches', { template: '/api/v4/projects/{project_id}/repository/branches', providerType: 'proxy', openapiAddress: undefined }],
    ['/api/v4/users', PROXY_NO_MATCH],
  ] as const)('%s', (apiPath, expected) => {
    expect(match(openapi, apiPath)).toEqual(expected);
  });

  it('the raw segments of the encoded example', () => {
    expect(matchOperation(openapi, ['api', 'v4', 'projects', 'devops%2Fkatanomi', 'repository', 'branches'], 'GET', CLASS)).toEqual({
      template: '/api/v4/projects/{project_id}/repository/branches',
      providerType: 'proxy',
      openapiAddress: undefined,
    });
    // the decoded form is two segments and matches nothing
    expect(matchOperation(openapi, ['api', 'v4', 'projects', 'devops', 'katanomi', 'repository', 'branches'], 'GET', CLASS)).toEqual(PROXY_NO_MATCH);
  });
});

describe('matchOperation: compilation is per document object', () => {
  it('the same document gives the same results when called twice', () => {
    const d = doc('/api/v4/projects/{id}', '/api/v4/projects/starred');
    const paths: [string, string | undefined][] = [
      ['/api/v4/projects/starred', '/api/v4/projects/starred'],
      ['/api/v4/projects/9', '/api/v4/projects/{id}'],
      ['/api/v4/groups', undefined],
    ];
    const first = paths.map(([p]) => match(d, p));
    const second = paths.map(([p]) => match(d, p));
    expect(second).toEqual(first);
    expect(first.map((r) => r.template)).toEqual(paths.map(([, t]) => t));
  });

  it('the document is compiled once: a later mutation of the same object is not seen', () => {
    const d = doc('/a');
    expect(match(d, '/a').template).toBe('/a');
    d.paths['/b'] = { get: { 'x-provider-type': 'api' } };
    expect(match(d, '/b')).toEqual(PROXY_NO_MATCH);
    // an equal but distinct document is compiled on its own
    expect(match(doc('/a', '/b'), '/b').template).toBe('/b');
  });

  it('the document is not modified', () => {
    const d = doc('/api/v4/projects/{id}', '/files/{name}.json');
    const copy = JSON.parse(JSON.stringify(d)) as unknown;
    match(d, '/api/v4/projects/1');
    match(d, '/files/a.json', 'HEAD');
    expect(d).toEqual(copy);
  });

  it('documents are independent of each other', () => {
    const a = doc('/x/{id}');
    const b = { paths: { '/x/{id}': { get: { 'x-provider-type': 'proxy' } } } };
    expect(match(a, '/x/1').providerType).toBe('api');
    expect(match(b, '/x/1').providerType).toBe('proxy');
    expect(match(a, '/x/1').providerType).toBe('api');
  });
});

describe('method case', () => {
  it('falls back from a lower-case head to get: like HEAD', () => {
    const doc = { paths: { '/a': { get: { 'x-provider-type': 'api' } } } };
    expect(matchOperation(doc, ['a'], 'head', 'c').providerType).toBe('api');
  });
});
