import winston from 'winston';
import type Transport from 'winston-transport';
import { prepareCredentials, REDACTED, scrubPrepared } from './core/credential-scrub.js';
import { BatchedStreamTransport } from './log-transport.js';

export type Logger = winston.Logger;

// Field names whose values are credentials wherever they appear in a log entry.
const SECRET_FIELD = /authorization|cookie|token|secret|password|x-plugin-/i;
// Credentials embedded in free text, e.g. an error message that quotes a header.
const SECRET_IN_TEXT = /\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*/gi;

/**
 * The credentials of the request an entry is about (its caller's token, the Connector's injected credentials):
 * `logger.warn('…', { …, [CREDENTIALS]: contextOf(req).credentials })`. The format masks them wherever they appear
 * in the entry's text, since any request-derived string (a path, an upstream's error message) may quote one. A
 * symbol key: never written out.
 */
export const CREDENTIALS = Symbol('connectors-api.log-credentials');

function redactValue(value: unknown, depth: number, credentials: readonly string[]): unknown {
  if (typeof value === 'string') return scrubPrepared(value.replace(SECRET_IN_TEXT, `$1 ${REDACTED}`), credentials);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: redactValue(value.message, depth + 1, credentials) };
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1, credentials));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = SECRET_FIELD.test(key) ? REDACTED : redactValue(v, depth + 1, credentials);
  return out;
}

/**
 * Redaction lives in the logger, not at each call: every field whose name says credential is replaced,
 * bearer/basic credentials inside text are masked, and so is every credential the entry names under CREDENTIALS.
 * Tests grep captured lines for real tokens and secrets.
 */
export const redactSecrets = winston.format((info) => {
  const given = (info as { [CREDENTIALS]?: unknown })[CREDENTIALS];
  const credentials = Array.isArray(given) ? prepareCredentials(given as string[]) : [];
  for (const key of Object.keys(info)) {
    if (key === 'level') continue;
    info[key] = SECRET_FIELD.test(key) ? REDACTED : redactValue(info[key], 0, credentials);
  }
  return info;
});

const MESSAGE = Symbol.for('message');
const stableJson = winston.format.json();

/**
 * One JSON object per line. JSON.stringify is several times faster than the json format's safe-stable-stringify;
 * redactSecrets has already turned Errors into plain objects, and the rare value JSON.stringify cannot take
 * (a cycle, a BigInt) falls back to the safe format.
 */
const jsonLine = winston.format((info) => {
  try {
    info[MESSAGE] = JSON.stringify(info);
    return info;
  } catch {
    return stableJson.transform(info, stableJson.options);
  }
});

// Many lines share a millisecond under load: the ISO text is made once per millisecond, not per line.
let lastStampMs = -1;
let lastStamp = '';
const timestamp = winston.format((info) => {
  const now = Date.now();
  if (now !== lastStampMs) {
    lastStampMs = now;
    lastStamp = new Date(now).toISOString();
  }
  info.timestamp = lastStamp;
  return info;
});

export function createLogger(level: string, transports: Transport[] = [new BatchedStreamTransport()]): Logger {
  return winston.createLogger({
    level,
    format: winston.format.combine(winston.format.errors(), redactSecrets(), timestamp(), jsonLine()),
    transports,
  });
}
