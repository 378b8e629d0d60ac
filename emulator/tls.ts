// A throwaway CA and a serving certificate for 127.0.0.1/localhost, generated at start. RSA keys come from
// node:crypto (native, fast); node-forge only builds and signs the X.509 certificates.
import { generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';

export interface ServingTls {
  caPem: string;
  certPem: string;
  keyPem: string;
}

const generateRsa = promisify(generateKeyPair);

/** A fresh 2048-bit RSA key pair. */
export async function generateRsaKeyPair(): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  return generateRsa('rsa', { modulusLength: 2048 });
}

function toForge(pair: { privateKey: KeyObject; publicKey: KeyObject }): forge.pki.rsa.KeyPair {
  return {
    privateKey: forge.pki.privateKeyFromPem(pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()) as forge.pki.rsa.PrivateKey,
    publicKey: forge.pki.publicKeyFromPem(pair.publicKey.export({ type: 'spki', format: 'pem' }).toString()) as forge.pki.rsa.PublicKey,
  };
}

/**
 * 16 random bytes as a DER INTEGER that is positive and minimally encoded: first byte in 0x01..0x7f. A 0x00 pad or a
 * leading 0x00 byte from the random source makes OpenSSL refuse the certificate ("illegal padding").
 */
export function positiveSerialHex(random: Buffer = randomBytes(16)): string {
  const serial = Buffer.from(random);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  return serial.toString('hex');
}

function newCertificate(publicKey: forge.pki.PublicKey, commonName: string): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = positiveSerialHex();
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 24 * 3600_000);
  cert.setSubject([{ name: 'commonName', value: commonName }]);
  return cert;
}

/** CA (self-signed) + serving certificate with SAN IP:127.0.0.1 and DNS:localhost. */
export async function generateServingTls(): Promise<ServingTls> {
  const [caPair, serverPair] = await Promise.all([generateRsaKeyPair(), generateRsaKeyPair()]);
  const caKeys = toForge(caPair);
  const serverKeys = toForge(serverPair);

  const ca = newCertificate(caKeys.publicKey, 'kube-emulator-ca');
  ca.setIssuer(ca.subject.attributes);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const server = newCertificate(serverKeys.publicKey, 'kube-apiserver');
  server.setIssuer(ca.subject.attributes);
  server.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
  ]);
  server.sign(caKeys.privateKey, forge.md.sha256.create());

  return {
    caPem: forge.pki.certificateToPem(ca),
    certPem: forge.pki.certificateToPem(server),
    // the native PKCS#8 export: node:crypto made the key, so it also writes it
    keyPem: serverPair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
