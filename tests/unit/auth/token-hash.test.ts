import { hashKey } from '../../../src/auth/token-hash.js';

describe('hashKey', () => {
  // SHA-256, base64url without padding (RFC 4648 §5): reference values from `sha256sum | xxd -r -p | basenc --base64url`, "=" dropped.
  it.each<[string, string]>([
    ['', '47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU'],
    ['abc', 'ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0'],
    ['Bearer-ish token with spaces', 'vO_m6-AC1pwQQ5Cpi7VnSfjh2yAbkTRUk6MJdpeK-RE'],
    ['ü', 'YHR0ykdalyTXNgq6caVtXfd-YTUOP3JM-h9G6Ffi2F8'],
  ])('hashes %j as UTF-8', (text, expected) => {
    expect(hashKey(text)).toBe(expected);
  });

  it('never contains the text it hashes', () => {
    const token = 'abcdefghijklmnopqrstuvwxyz0123456789';
    expect(hashKey(token)).not.toContain(token.slice(0, 8));
  });
});
