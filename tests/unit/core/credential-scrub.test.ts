import { credentialsInAuthorization, credentialsInPluginSecret, failureReason, REDACTED, scrubCredentials } from '../../../src/core/credential-scrub.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('scrubCredentials', () => {
  it.each([
    ['token in a path', 'connectors "my-token-123" not found', ['my-token-123'], `connectors "${REDACTED}" not found`],
    ['every occurrence', 'a s3cret b s3cret', ['s3cret'], `a ${REDACTED} b ${REDACTED}`],
    ['longest first, so a prefix does not leave a tail', 'abcdefgh', ['abcd', 'abcdefgh'], REDACTED],
    ['strings under 4 characters are left alone', 'a ab abc', ['ab', 'abc'], 'a ab abc'],
    ['nothing to scrub', 'plain message', ['absent-value'], 'plain message'],
  ])('%s', (_what, text, credentials, expected) => {
    expect(scrubCredentials(text, credentials)).toBe(expected);
  });
});

describe('credentialsInPluginSecret', () => {
  it('yields the header, each value as sent (base64) and each decoded value', () => {
    const header = b64(JSON.stringify({ password: b64('pw-value'), username: b64('admin') }));
    expect(credentialsInPluginSecret(header).sort()).toEqual([header, b64('pw-value'), 'pw-value', b64('admin'), 'admin'].sort());
  });
  it('yields the header alone when it is not our JSON', () => {
    expect(credentialsInPluginSecret('not-base64-json')).toEqual(['not-base64-json']);
  });
});

describe('credentialsInAuthorization', () => {
  it.each([
    ['Bearer tok-123', ['Bearer tok-123', 'tok-123']],
    [`Basic ${b64('user:pa:ss')}`, [`Basic ${b64('user:pa:ss')}`, b64('user:pa:ss'), 'user', 'pa:ss']],
  ])('%s', (header, expected) => {
    expect(credentialsInAuthorization(header)).toEqual(expected);
  });
});

describe('failureReason', () => {
  it('gives kind and message with credentials masked and a bounded length', () => {
    const err = Object.assign(new Error('request with token tok-12345 failed'), { code: 'ECONNREFUSED' });
    expect(failureReason(err, ['tok-12345'])).toBe(`ECONNREFUSED: request with token ${REDACTED} failed`);
    expect(failureReason(new Error('x'.repeat(1000)), []).length).toBe(300);
    expect(failureReason('plain string', [])).toBe('Error: plain string');
  });
});
