import { buildStatus, reasonForCode, StatusError, toStatusError } from '../../../src/errors.js';

const full = (code: number, reason: string, message: string): Record<string, unknown> => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason,
  code,
});

describe('StatusError', () => {
  it.each([
    ['badRequest', StatusError.badRequest('bad'), full(400, 'BadRequest', 'bad')],
    ['unauthorized (default message)', StatusError.unauthorized(), full(401, 'Unauthorized', 'Unauthorized')],
    ['unauthorized', StatusError.unauthorized('no token'), full(401, 'Unauthorized', 'no token')],
    ['forbidden', StatusError.forbidden('nope'), full(403, 'Forbidden', 'nope')],
    ['notFound', StatusError.notFound('connectors.connectors.alauda.io "x" not found'), full(404, 'NotFound', 'connectors.connectors.alauda.io "x" not found')],
    ['uriTooLong', StatusError.uriTooLong('long'), full(414, '', 'long')],
    ['internal (default message)', StatusError.internal(), full(500, 'InternalError', 'an internal error occurred')],
    ['serviceUnavailable', StatusError.serviceUnavailable('down'), full(503, 'ServiceUnavailable', 'down')],
    ['timeout', StatusError.timeout('slow'), full(504, 'Timeout', 'slow')],
    ['methodNotAllowed', StatusError.methodNotAllowed('POST', ['GET', 'HEAD', 'OPTIONS']), full(405, 'MethodNotAllowed', 'method POST is not allowed on this resource')],
  ])('%s → toStatus() is exactly %j', (_label, err, expected) => {
    expect(err.toStatus()).toStrictEqual(expected);
    expect(Object.keys(err.toStatus())).toEqual(['kind', 'apiVersion', 'metadata', 'status', 'message', 'reason', 'code']);
  });

  it.each([
    [['GET', 'HEAD', 'OPTIONS'], 'GET, HEAD, OPTIONS'],
    [['GET'], 'GET'],
  ])('methodNotAllowed(%j) carries Allow: %s', (allowed, header) => {
    expect(StatusError.methodNotAllowed('DELETE', allowed).headers).toEqual({ Allow: header });
  });

  it.each([[StatusError.badRequest('x')], [StatusError.notFound('x')], [StatusError.internal()]])('%s has no extra headers', (err) => {
    expect(err.headers).toEqual({});
  });

  it('is an Error named StatusError', () => {
    const err = StatusError.forbidden('x');
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('StatusError');
  });

  it('buildStatus has exactly the metav1.Status fields', () => {
    expect(buildStatus(409, 'Conflict', 'c')).toStrictEqual(full(409, 'Conflict', 'c'));
  });

  it.each([
    [400, 'BadRequest'],
    [404, 'NotFound'],
    [504, 'Timeout'],
    [418, ''],
    [0, ''],
  ])('reasonForCode(%i) → %j', (code, reason) => {
    expect(reasonForCode(code)).toBe(reason);
  });
});

describe('toStatusError', () => {
  it('returns a StatusError unchanged', () => {
    const err = StatusError.forbidden('x');
    expect(toStatusError(err)).toBe(err);
  });

  it.each([
    ['an Error with a secret in its message', new Error('token Bearer sekrit-123 leaked from /var/run/secret')],
    ['a TypeError', new TypeError('cannot read properties of undefined (reading sekrit-123)')],
    ['a string', 'sekrit-123'],
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['an error with a 5xx status', Object.assign(new Error('sekrit-123'), { status: 502 })],
    ['an error with a 3xx status', Object.assign(new Error('sekrit-123'), { status: 302 })],
    ['an error with a string status', Object.assign(new Error('sekrit-123'), { status: '400' })],
  ])('%s → 500 with a generic message that does not repeat the original', (_label, thrown) => {
    const err = toStatusError(thrown);
    expect(err.toStatus()).toStrictEqual(full(500, 'InternalError', 'an internal error occurred'));
    expect(JSON.stringify(err.toStatus())).not.toContain('sekrit');
  });

  it.each([
    [400, 'BadRequest', 'the request could not be parsed'],
    [413, 'RequestEntityTooLarge', 'request rejected (413)'],
    [415, 'UnsupportedMediaType', 'request rejected (415)'],
    [431, '', 'request rejected (431)'],
  ])('an error with status %i → %i %s %j, without its own message', (code, reason, message) => {
    const err = toStatusError(Object.assign(new Error('URIError: sekrit-123'), { status: code }));
    expect(err.toStatus()).toStrictEqual(full(code, reason, message));
  });
});
