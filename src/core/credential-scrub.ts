// Shorter strings would blank out ordinary words; real tokens and secrets are longer.
const MIN_SCRUBBED_LENGTH = 4;
export const REDACTED = '[REDACTED]';

/** Replaces every occurrence of each credential in text with [REDACTED], longest first. */
export function scrubCredentials(text: string, credentials: readonly string[]): string {
  return scrubPrepared(text, prepareCredentials(credentials));
}

/** The credentials worth masking, longest first (so a credential inside a longer one is masked with it). */
export function prepareCredentials(credentials: readonly string[]): string[] {
  return credentials.filter((c) => c.length >= MIN_SCRUBBED_LENGTH).sort((a, b) => b.length - a.length);
}

/** scrubCredentials with the credentials already prepared: for many texts masked against one list. */
export function scrubPrepared(text: string, prepared: readonly string[]): string {
  let out = text;
  for (const credential of prepared) if (out.includes(credential)) out = out.split(credential).join(REDACTED);
  return out;
}

/**
 * What an X-Plugin-Secret header reveals: the header itself, each Secret value as sent (base64) and decoded.
 * An upstream that quotes any of them back must not get them to the client.
 */
export function credentialsInPluginSecret(header: string): string[] {
  const found = [header];
  try {
    const data = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as Record<string, unknown>;
    for (const value of Object.values(data)) {
      if (typeof value === 'string') found.push(value, Buffer.from(value, 'base64').toString('utf8'));
    }
  } catch {
    // not our JSON: the header value alone is scrubbed
  }
  return found;
}

/** What an Authorization header we set reveals: the header, its credential, and a Basic pair's parts. */
export function credentialsInAuthorization(header: string): string[] {
  const [, credential = ''] = header.split(' ', 2);
  const found = [header, credential];
  if (/^basic /i.test(header)) {
    // RFC 7617: the user-id ends at the first colon; the password may hold more.
    const pair = Buffer.from(credential, 'base64').toString('utf8');
    const colon = pair.indexOf(':');
    found.push(pair.slice(0, colon), pair.slice(colon + 1));
  }
  return found;
}

/** A failure as one short line for a log: its name/code and message, credentials masked, bounded in length. */
export function failureReason(err: unknown, credentials: readonly string[]): string {
  const e = err as { name?: unknown; code?: unknown; message?: unknown } | null;
  const kind = typeof e?.code === 'string' ? e.code : typeof e?.name === 'string' ? e.name : 'Error';
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return scrubCredentials(`${kind}: ${message}`, credentials).slice(0, 300);
}
