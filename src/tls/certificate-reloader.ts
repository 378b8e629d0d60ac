import { readFileSync, unwatchFile, watchFile, type Stats } from 'node:fs';
import type https from 'node:https';
import { createSecureContext } from 'node:tls';
import type { Logger } from '../logger.js';

export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

/** Reads the pair; throws if the files are unreadable or the key does not match the certificate. */
export function readCertificatePair(files: TlsFiles): { cert: Buffer; key: Buffer } {
  const pair = { cert: readFileSync(files.certFile), key: readFileSync(files.keyFile) };
  createSecureContext(pair); // validates: a mismatched or half-written pair throws here, not in a handshake
  return pair;
}

/**
 * Serves a renewed certificate (cert-manager rotates the Secret behind the mounted files) without a restart and
 * without dropping connections: new handshakes get the new pair, established ones carry on. Polls the files'
 * stats (kubelet swaps a symlink, which inotify on the file itself would miss). A pair that does not load is
 * logged and the old one kept. Returns a function that stops watching.
 */
export function reloadCertificatesOnChange(server: https.Server, files: TlsFiles, logger: Logger, intervalMs = 1000): () => void {
  const onChange = (current: Stats, previous: Stats) => {
    if (current.mtimeMs === previous.mtimeMs && current.ino === previous.ino && current.size === previous.size) return;
    try {
      server.setSecureContext({ ...readCertificatePair(files), minVersion: 'TLSv1.2' });
      logger.info('tls certificate reloaded', { certFile: files.certFile });
    } catch (err) {
      logger.warn('tls certificate not reloaded: the new files do not load; serving the previous certificate', { error: err });
    }
  };
  for (const file of [files.certFile, files.keyFile]) watchFile(file, { interval: intervalMs, persistent: false }, onChange);
  return () => {
    for (const file of [files.certFile, files.keyFile]) unwatchFile(file, onChange);
  };
}
