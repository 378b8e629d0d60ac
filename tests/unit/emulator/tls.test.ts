import { X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { generateServingTls, positiveSerialHex } from '../../../emulator/tls.js';

describe('positiveSerialHex', () => {
  // OpenSSL refuses a certificate whose serial INTEGER starts with a needless 0x00 ("illegal padding") or is negative.
  it.each<[string, number]>([
    ['a zero first byte', 0x00],
    ['a first byte with the sign bit set', 0x80],
    ['an all-ones first byte', 0xff],
    ['a byte already in range', 0x42],
  ])('keeps the DER integer positive and minimal for %s', (_, first) => {
    const random = Buffer.alloc(16, 0x00);
    random[0] = first;
    const hex = positiveSerialHex(random);
    expect(hex).toHaveLength(32);
    const firstByte = parseInt(hex.slice(0, 2), 16);
    expect(firstByte).toBeGreaterThanOrEqual(0x01);
    expect(firstByte).toBeLessThanOrEqual(0x7f);
    expect(hex.slice(2)).toBe(random.subarray(1).toString('hex'));
  });

  it('does not change the buffer it is given', () => {
    const random = Buffer.alloc(16, 0x80);
    positiveSerialHex(random);
    expect(random[0]).toBe(0x80);
  });
});

describe('generateServingTls', () => {
  it('produces a key and certificate that OpenSSL loads, for 127.0.0.1 and localhost, issued by the CA', async () => {
    const tls = await generateServingTls();
    expect(() => createSecureContext({ key: tls.keyPem, cert: tls.certPem, ca: tls.caPem })).not.toThrow();
    const cert = new X509Certificate(tls.certPem);
    const ca = new X509Certificate(tls.caPem);
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(cert.subjectAltName).toContain('DNS:localhost');
    expect(parseInt(cert.serialNumber.slice(0, 2), 16)).toBeLessThanOrEqual(0x7f);
  });
});
