import { StatusError } from '../../../src/errors.js';
import { MAX_UPSTREAM_MESSAGE_LENGTH, statusFromProxyError, statusFromUpstream } from '../../../src/core/upstream-status.js';

const status = (code: number, reason: string, message: string): Record<string, unknown> => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason,
  code,
});

describe('statusFromUpstream', () => {
  it.each([
    // a body that already is a Status keeps message and reason; the HTTP code wins over the body's code
    [409, '{"kind":"Status","apiVersion":"v1","status":"Failure","message":"already there","reason":"AlreadyExists","code":409}', status(409, 'AlreadyExists', 'already there')],
    [404, '{"kind":"Status","message":"gone away","reason":"Gone","code":410}', status(404, 'Gone', 'gone away')],
    [400, '{"kind":"Status","message":"bad","code":500}', status(400, 'BadRequest', 'bad')],
    [422, '{"kind":"Status","message":"  many\\n  lines  ","reason":"Invalid"}', status(422, 'Invalid', 'many lines')],
    // JSON with message / error / msg fields
    [400, '{"message":"repositoryUrl is required"}', status(400, 'BadRequest', 'repositoryUrl is required')],
    [401, '{"error":"token expired"}', status(401, 'Unauthorized', 'token expired')],
    [403, '{"msg":"no access"}', status(403, 'Forbidden', 'no access')],
    [500, '{"message":"  ","error":"fallback"}', status(500, 'InternalError', 'fallback')],
    [404, '{"message":"first","error":"second"}', status(404, 'NotFound', 'first')],
    [500, '{"message":" spaced\\t out \\n"}', status(500, 'InternalError', 'spaced out')],
    // JSON without a message field: the body text itself
    [400, '{"code":7}', status(400, 'BadRequest', '{"code":7}')],
    [400, '[1,2]', status(400, 'BadRequest', '[1,2]')],
    [400, '{"kind":"Status","message":7}', status(400, 'BadRequest', '{"kind":"Status","message":7}')],
    // plain text trimmed and collapsed
    [502, '  upstream\n\n  exploded\t badly  ', status(502, '', 'upstream exploded badly')],
    [503, 'Service Unavailable', status(503, 'ServiceUnavailable', 'Service Unavailable')],
    [404, '<html>\n<body>Not Found</body>\n</html>\n', status(404, 'NotFound', '<html> <body>Not Found</body> </html>')],
    // empty body
    [500, '', status(500, 'InternalError', 'the ConnectorClass API answered 500')],
    [404, '   \n ', status(404, 'NotFound', 'the ConnectorClass API answered 404')],
    [418, '', status(418, '', 'the ConnectorClass API answered 418')],
  ])('%i %j → %j', (code, body, expected) => {
    expect(statusFromUpstream(code, body)).toEqual(expected);
  });

  it('keeps the details of an upstream Status', () => {
    const body = JSON.stringify({ kind: 'Status', message: 'x', reason: 'Invalid', details: { name: 'a', causes: [{ field: 'f' }] } });
    expect(statusFromUpstream(422, body)).toEqual({ ...status(422, 'Invalid', 'x'), details: { name: 'a', causes: [{ field: 'f' }] } });
  });

  it.each([
    [400, 'BadRequest'],
    [401, 'Unauthorized'],
    [403, 'Forbidden'],
    [404, 'NotFound'],
    [405, 'MethodNotAllowed'],
    [406, 'NotAcceptable'],
    [409, 'Conflict'],
    [410, 'Gone'],
    [413, 'RequestEntityTooLarge'],
    [415, 'UnsupportedMediaType'],
    [422, 'Invalid'],
    [429, 'TooManyRequests'],
    [500, 'InternalError'],
    [503, 'ServiceUnavailable'],
    [504, 'Timeout'],
    [418, ''],
    [502, ''],
    [301, ''],
  ])('code %i → reason %j', (code, reason) => {
    expect(statusFromUpstream(code, 'x').reason).toBe(reason);
  });

  it.each([
    ['plain text', (t: string) => t],
    ['a JSON message', (t: string) => JSON.stringify({ message: t })],
    ['a Status message', (t: string) => JSON.stringify({ kind: 'Status', message: t })],
  ])('a long body in %s is cut to the first 512 characters and marked with an ellipsis', (_label, wrap) => {
    const text = 'x'.repeat(400) + '\n\n' + 'y'.repeat(400);
    const collapsed = 'x'.repeat(400) + ' ' + 'y'.repeat(400);
    const { message } = statusFromUpstream(500, wrap(text));
    expect(message).toBe(`${collapsed.slice(0, MAX_UPSTREAM_MESSAGE_LENGTH)}…`);
  });

  it.each([[MAX_UPSTREAM_MESSAGE_LENGTH - 1], [MAX_UPSTREAM_MESSAGE_LENGTH]])('a %i-character body is kept whole', (length) => {
    expect(statusFromUpstream(500, 'z'.repeat(length)).message).toBe('z'.repeat(length));
  });
});

describe('statusFromProxyError', () => {
  const errno = (code: string | undefined): NodeJS.ErrnoException => Object.assign(new Error(`connect ${code ?? ''}`), code === undefined ? {} : { code });

  it.each([
    ['ECONNREFUSED', 503, 'ServiceUnavailable', 'the tool is unreachable (ECONNREFUSED)'],
    ['ENOTFOUND', 503, 'ServiceUnavailable', 'the tool is unreachable (ENOTFOUND)'],
    ['ECONNRESET', 503, 'ServiceUnavailable', 'the tool is unreachable (ECONNRESET)'],
    ['EHOSTUNREACH', 503, 'ServiceUnavailable', 'the tool is unreachable (EHOSTUNREACH)'],
    ['EAI_AGAIN', 503, 'ServiceUnavailable', 'the tool is unreachable (EAI_AGAIN)'],
    [undefined, 503, 'ServiceUnavailable', 'the tool is unreachable (UNKNOWN)'],
    ['ETIMEDOUT', 504, 'Timeout', 'the tool did not answer in time'],
    ['ESOCKETTIMEDOUT', 504, 'Timeout', 'the tool did not answer in time'],
    ['UPSTREAM_TIMEOUT', 504, 'Timeout', 'the tool did not answer in time'],
  ])('%s → %i %s %j', (code, httpCode, reason, message) => {
    const err = statusFromProxyError(errno(code), 'the tool');
    expect(err).toBeInstanceOf(StatusError);
    expect([err.code, err.reason, err.message]).toEqual([httpCode, reason, message]);
  });

  // Codes Node reports for TLS failures (https.request 'error' events).
  it.each([
    ['ERR_TLS_CERT_ALTNAME_INVALID'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT'],
    ['SELF_SIGNED_CERT_IN_CHAIN'],
    ['CERT_HAS_EXPIRED'],
    ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY'],
    ['EPROTO'],
    // a leaf signed by a CA the client does not trust (the custom-CA case)
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
  ])('%s → 503 ServiceUnavailable naming a TLS failure', (code) => {
    const err = statusFromProxyError(errno(code), 'the ConnectorClass API');
    expect([err.code, err.reason]).toEqual([503, 'ServiceUnavailable']);
    expect(err.message).toBe(`the ConnectorClass API is unreachable: TLS failure (${code})`);
  });
});
