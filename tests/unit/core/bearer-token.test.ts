import { parseBearerToken } from '../../../src/core/bearer-token.js';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln-_';

describe('parseBearerToken', () => {
  it.each([
    [`Bearer ${JWT}`, JWT],
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['BEARER abc', 'abc'],
    ['BeArEr abc', 'abc'],
    ['Bearer   abc', 'abc'],
    ['Bearer abc  ', 'abc'],
    ['Bearer a-b.c_d~e+f/g==', 'a-b.c_d~e+f/g=='],
    ['Bearer 0123456789', '0123456789'],
    [undefined, undefined],
    ['', undefined],
    ['Bearer', undefined],
    ['Bearer ', undefined],
    ['Bearer    ', undefined],
    ['Basic YWRtaW46c2VjcmV0', undefined],
    ['Token abc', undefined],
    ['abc', undefined],
    [' Bearer abc', undefined],
    ['Bearerabc', undefined],
    ['Bearer\tabc', undefined],
    ['Bearer abc def', undefined],
    ['Bearer abc,Bearer def', undefined],
    ['Bearer a=b', undefined],
    ['Bearer =abc', undefined],
    ['Bearer abc\n', undefined],
    ['Bearer abc\r\nX-Injected: 1', undefined],
    ['Bearer ab\u0000c', undefined],
    ['Bearer ab\u007fc', undefined],
    ['Bearer abc\t', undefined],
    ['Bearer tök', undefined],
    ['Bearer "abc"', undefined],
  ])('%j → %j', (header, token) => {
    expect(parseBearerToken(header)).toBe(token);
  });

  it.each([
    [8192, true],
    [8300, false],
    [100_000, false],
  ])('a token of %i characters is accepted: %s', (length, accepted) => {
    const token = 'a'.repeat(length);
    expect(parseBearerToken(`Bearer ${token}`)).toBe(accepted ? token : undefined);
  });
});
