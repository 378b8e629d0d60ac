import fc from 'fast-check';
import { StatusError } from '../../../src/errors.js';
import { MAX_REQUEST_TARGET_LENGTH, parseResourceRequestPath, splitRequestTarget } from '../../../src/core/request-path.js';

const PREFIX = '/connectors/v1alpha1/namespaces/team-a/connectors/github/resources/';
const r1 = (resource: string): string => `${PREFIX}${resource}`;

/** The HTTP code parseResourceRequestPath answers with: 'ok', 'no-route' or the StatusError's code. */
function outcome(target: string): 'ok' | 'no-route' | number {
  try {
    return parseResourceRequestPath(target) === undefined ? 'no-route' : 'ok';
  } catch (err) {
    if (err instanceof StatusError) return err.code;
    throw err;
  }
}

function thrown(target: string): StatusError {
  try {
    parseResourceRequestPath(target);
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new Error(`expected ${target} to throw`);
}

describe('parseResourceRequestPath: route matching', () => {
  it.each([
    ['/connectors/v1alpha1/namespaces/ns/connectors/c/resources/gitrefs', { namespace: 'ns', name: 'c', rawSegments: ['gitrefs'] }],
    ['/connectors/v1alpha1/namespaces/ns/connectors/c/resources/a/b/c', { namespace: 'ns', name: 'c', rawSegments: ['a', 'b', 'c'] }],
    ['/connectors/v1alpha1/namespaces/ns/connectors/my.conn-1/resources/x', { namespace: 'ns', name: 'my.conn-1', rawSegments: ['x'] }],
  ])('%s → %j', (target, expected) => {
    expect(parseResourceRequestPath(target)).toEqual({ ...expected, route: 'resources', rawQuery: undefined });
  });

  it.each([
    ['/'],
    [''],
    ['/connectors/v1alpha1/namespaces/ns/connectors/c'],
    ['/connectors/v1alpha1/namespaces/ns/connectors/c/resources'],
    ['/connectors/v1alpha1/namespaces/ns/connectors/c/resources/'],
    ['/connectors/v1alpha1/namespaces/ns/connectors/c/resources?x=1'],
    ['/connectors/v1alpha2/namespaces/ns/connectors/c/resources/x'],
    ['/connectors/v1alpha1/namespace/ns/connectors/c/resources/x'],
    ['/connectors/v1alpha1/namespaces/ns/connector/c/resources/x'],
    ['/connectors/v1alpha1/namespaces/ns/connectors/c/resource/x'],
    ['/connectors/v1alpha1/namespaces/ns/connectors/c/path/x'],
    ['/connectors/v1alpha1/ns/c/path/x'],
    ['connectors/v1alpha1/namespaces/ns/connectors/c/resources/x'],
    ['//connectors/v1alpha1/namespaces/ns/connectors/c/resources/x'],
    ['/Connectors/v1alpha1/namespaces/ns/connectors/c/resources/x'],
    ['/api/v1/namespaces/ns/pods'],
  ])('%s is not the resources route → undefined', (target) => {
    expect(parseResourceRequestPath(target)).toBeUndefined();
  });
});

describe('parseResourceRequestPath: namespace must be a DNS-1123 label', () => {
  const target = (ns: string): string => `/connectors/v1alpha1/namespaces/${ns}/connectors/c/resources/x`;
  it.each([
    ['a', 'ok'],
    ['team-a', 'ok'],
    ['0abc9', 'ok'],
    ['a'.repeat(63), 'ok'],
    ['a'.repeat(64), 400],
    ['Bad_NS', 400],
    ['Team', 400],
    ['team_a', 400],
    ['-team', 400],
    ['team-', 400],
    ['team.a', 400],
    ['..', 400],
    ['.', 400],
    ['%2e%2e', 400],
    ['team%2Da', 400],
    ['', 400],
  ] as const)('namespace %j → %s', (ns, expected) => {
    expect(outcome(target(ns))).toBe(expected);
  });

  it('names the namespace in the 400 message, with unprintable characters replaced', () => {
    const err = thrown(target('Bad_NS'));
    expect(err.code).toBe(400);
    expect(err.reason).toBe('BadRequest');
    expect(err.message).toBe('invalid namespace "Bad_NS": must be a DNS-1123 label');
    expect(thrown(target('a\u0001"b')).message).toBe('invalid namespace "a?\'b": must be a DNS-1123 label');
  });
});

describe('parseResourceRequestPath: connector name must be a DNS-1123 subdomain', () => {
  const target = (name: string): string => `/connectors/v1alpha1/namespaces/ns/connectors/${name}/resources/x`;
  it.each([
    ['c', 'ok'],
    ['github', 'ok'],
    ['my.github-1', 'ok'],
    ['a.b.c', 'ok'],
    [`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`, 'ok'],
    [`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}`, 400],
    ['GitHub', 400],
    ['my_conn', 400],
    ['.c', 400],
    ['c.', 400],
    ['a..b', 400],
    ['..', 400],
    ['.', 400],
    ['%2e%2e', 400],
    ['-c', 400],
    ['', 400],
  ] as const)('name %j → %s', (name, expected) => {
    expect(outcome(target(name))).toBe(expected);
  });

  it('names the connector in the 400 message', () => {
    expect(thrown(target('My_Conn')).message).toBe('invalid connector name "My_Conn": must be a DNS-1123 subdomain');
  });
});

describe('parseResourceRequestPath: resource path safety', () => {
  it.each([
    // dot segments, plain and in every encoding
    ['..', 400],
    ['.', 400],
    ['a/..', 400],
    ['a/../b', 400],
    ['./a', 400],
    ['a/.', 400],
    ['%2e%2e', 400],
    ['%2E%2E', 400],
    ['%2E%2e', 400],
    ['%2e.', 400],
    ['.%2e', 400],
    ['%2e', 400],
    ['%252e%252e', 400],
    ['%25252e%25252e', 400],
    ['%2525252e', 400],
    ['..%2f', 400],
    ['..%2F', 400],
    ['..%2fetc', 400],
    ['%2e%2e%2f', 400],
    ['%2e%2e%2fetc%2fpasswd', 400],
    ['a%2f..', 400],
    ['a%2F..%2Fb', 400],
    ['a%252f..', 400],
    ['a%2f.', 400],
    // backslashes
    ['%5c', 400],
    ['%5C', 400],
    ['..%5c', 400],
    ['a%255cb', 400],
    ['a\\b', 400],
    ['..\\', 400],
    // NUL and control characters, raw or encoded
    ['%00', 400],
    ['a%00b', 400],
    ['%2500', 400],
    ['a\u0000b', 400],
    ['%0a', 400],
    ['%0D%0A', 400],
    ['%1f', 400],
    ['%7f', 400],
    ['a\tb', 400],
    ['a\nb', 400],
    ['a\u007fb', 400],
    // malformed escapes
    ['%zz', 400],
    ['%', 400],
    ['a%', 400],
    ['%2', 400],
    ['%g0', 400],
    ['%C0%AE', 400], // not UTF-8 (an overlong '.'): refused rather than guessed at
    // too many encoding rounds
    ['%252525252e', 400],
    ['%25252525252e%25252525252e', 400],
    ['%2525252525252f', 400],
    // a literal '%' sent as %25 is a legitimate name character: only what the client sent must be well-formed
    ['%25', 'ok'],
    ['100%25', 'ok'],
    ['%25zz', 'ok'],
    ['%25252525zz', 'ok'],
    // …but a trailing literal-% escape must not hide a 5th-round traversal from lenient decoders: 5 decodings give "../%zz"
    ['%252525252e%252525252e%252525252f%25252525zz', 400],
    // empty segments
    ['a//b', 400],
    ['a/b//c', 400],
    ['//x', 400],
    // ordinary segments
    ['gitrefs', 'ok'],
    ['a/b/c', 'ok'],
    ['...', 'ok'],
    ['..a', 'ok'],
    ['a..', 'ok'],
    ['.hidden', 'ok'],
    ['a.b', 'ok'],
    ['%2e%2e%2e', 'ok'],
    ['%2ea', 'ok'],
    ['a%2Fb', 'ok'],
    ['a%20b', 'ok'],
    ['a%252Fb', 'ok'],
    ['%e2%80%ae', 'ok'],
    ['caf%C3%A9', 'ok'],
    ['café', 'ok'],
    ['a b', 'ok'],
    ['a:b@c', 'ok'],
    ['a/', 'ok'],
    ['a/b/', 'ok'],
  ] as const)('resource %j → %s', (resource, expected) => {
    expect(outcome(r1(resource))).toBe(expected);
  });

  it.each([
    ['..', 'resource path must not contain "." or ".." segments'],
    ['%2e%2e%2f', 'resource path must not contain "." or ".." segments'],
    ['%5c', 'resource path segment holds a backslash or a control character'],
    ['%00', 'resource path segment holds a backslash or a control character'],
    ['%zz', 'resource path has a malformed percent-encoding'],
    ['%252525252e', 'resource path is encoded too many times'],
    ['a//b', 'resource path has an empty segment'],
  ])('resource %j → 400 BadRequest %j', (resource, message) => {
    const err = thrown(r1(resource));
    expect([err.code, err.reason, err.message]).toEqual([400, 'BadRequest', message]);
  });

  it.each([
    ['a%2Fb', ['a%2Fb']],
    ['a%2fb/c', ['a%2fb', 'c']],
    ['%41%42', ['%41%42']],
    ['a/b/', ['a', 'b', '']],
    ['x/', ['x', '']],
    ['a%20b', ['a%20b']],
  ])('resource %j keeps its raw segments %j', (resource, segments) => {
    expect(parseResourceRequestPath(r1(resource))?.rawSegments).toEqual(segments);
  });
});

describe('parseResourceRequestPath: raw query', () => {
  it.each([
    ['gitrefs', undefined],
    ['gitrefs?', ''],
    ['gitrefs?a=1', 'a=1'],
    ['gitrefs?page=2&itemsPerPage=10', 'page=2&itemsPerPage=10'],
    ['gitrefs?repositoryUrl=https%3A%2F%2Fgithub.com%2Fa%2Fb', 'repositoryUrl=https%3A%2F%2Fgithub.com%2Fa%2Fb'],
    ['gitrefs?a=1?b=2', 'a=1?b=2'],
    ['gitrefs?q=..%2F..&x=%zz', 'q=..%2F..&x=%zz'],
    ['gitrefs?a+b=c d', 'a+b=c d'],
    ['gitrefs??', '?'],
    ['gitrefs?#frag', '#frag'],
  ])('%s → rawQuery %j', (resource, rawQuery) => {
    expect(parseResourceRequestPath(r1(resource))?.rawQuery).toBe(rawQuery);
  });

  it.each([
    ['/a/b', { rawPath: '/a/b', rawQuery: undefined }],
    ['/a/b?', { rawPath: '/a/b', rawQuery: '' }],
    ['/a?b?c', { rawPath: '/a', rawQuery: 'b?c' }],
    ['?x', { rawPath: '', rawQuery: 'x' }],
  ])('splitRequestTarget(%j) → %j', (target, expected) => {
    expect(splitRequestTarget(target)).toEqual(expected);
  });
});

describe('parseResourceRequestPath: request-target length', () => {
  it.each([
    [MAX_REQUEST_TARGET_LENGTH, 'ok'],
    [MAX_REQUEST_TARGET_LENGTH + 1, 414],
    [20_000, 414],
  ] as const)('a target of %i characters → %s', (length, expected) => {
    const base = r1('x?q=');
    expect(outcome(base + 'a'.repeat(length - base.length))).toBe(expected);
  });

  it.each([
    ['a path that is not the route', `/elsewhere/${'a'.repeat(MAX_REQUEST_TARGET_LENGTH)}`],
    ['an unsafe resource path', r1(`../${'a'.repeat(MAX_REQUEST_TARGET_LENGTH)}`)],
  ])('the 414 comes before anything else: %s', (_label, target) => {
    const err = thrown(target);
    expect(err.code).toBe(414);
    expect(err.message).toBe(`request URI is longer than ${MAX_REQUEST_TARGET_LENGTH} characters`);
  });
});

/** Every form a server could reach by decoding again and again (strictly), the raw one included. */
function strictlyDecodedForms(segment: string): string[] {
  const forms = [segment];
  let current = segment;
  for (let i = 0; i < 32; i++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      break;
    }
    if (next === current) break;
    forms.push(next);
    current = next;
  }
  return forms;
}

describe('parseResourceRequestPath: property', () => {
  const pieces = ['%', '25', '2e', '2E', '2f', '2F', '5c', '00', '.', '/', 'a', 'zz', '..', '\\'];
  const segmentArb = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.array(fc.constantFrom(...pieces), { maxLength: 16 }).map((p) => p.join('')),
  );

  it('either answers 400 or no fully-decoded form of any segment has a "." or ".." piece', () => {
    fc.assert(
      fc.property(fc.array(segmentArb, { minLength: 1, maxLength: 4 }), (segments) => {
        const target = r1(segments.join('/'));
        let parsed;
        try {
          parsed = parseResourceRequestPath(target);
        } catch (err) {
          expect(err).toBeInstanceOf(StatusError);
          expect((err as StatusError).code).toBe(400);
          return;
        }
        for (const segment of parsed?.rawSegments ?? []) {
          for (const form of strictlyDecodedForms(segment)) {
            expect(form.split('/').filter((piece) => piece === '.' || piece === '..')).toEqual([]);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});
