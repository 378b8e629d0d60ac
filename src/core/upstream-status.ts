import { buildStatus, reasonForCode, StatusError, type MetaV1Status } from '../errors.js';

/** Upstream error bodies are trimmed to this many characters before they reach a Status message. */
export const MAX_UPSTREAM_MESSAGE_LENGTH = 512;

/**
 * A non-2xx answer of a ConnectorClass API as a metav1.Status. A body that already is a Status keeps its
 * message and reason (with kind/apiVersion/metadata filled in); anything else gets the reason for the code and
 * a trimmed message taken from the body. The HTTP code always wins over the body's own `code`.
 */
export function statusFromUpstream(code: number, bodyText: string): MetaV1Status {
  const parsed = parseJson(bodyText);
  if (isRecord(parsed) && parsed.kind === 'Status' && typeof parsed.message === 'string') {
    const reason = typeof parsed.reason === 'string' ? parsed.reason : reasonForCode(code);
    const status = buildStatus(code, reason as MetaV1Status['reason'], trimMessage(parsed.message));
    return parsed.details === undefined ? status : { ...status, details: parsed.details };
  }
  const message = messageOf(parsed) ?? trimMessage(bodyText);
  return buildStatus(code, reasonForCode(code), message || `the ConnectorClass API answered ${code}`);
}

// OpenSSL verification codes (UNABLE_TO_VERIFY_LEAF_SIGNATURE, DEPTH_ZERO_SELF_SIGNED_CERT, …) and Node's TLS codes.
const TLS_ERROR_CODE = /^(ERR_TLS|ERR_SSL)|CERT|UNABLE_TO_|SELF_SIGNED|HOSTNAME_MISMATCH|INVALID_CA|^EPROTO$/;

/** Network errors reaching an upstream, by errno (the http-proxy-middleware `status-code.ts` idea). */
export function statusFromProxyError(err: NodeJS.ErrnoException, what: string): StatusError {
  const code = err.code ?? 'UNKNOWN';
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' || code === 'UPSTREAM_TIMEOUT') {
    return StatusError.timeout(`${what} did not answer in time`);
  }
  if (TLS_ERROR_CODE.test(code)) {
    return StatusError.serviceUnavailable(`${what} is unreachable: TLS failure (${code})`);
  }
  return StatusError.serviceUnavailable(`${what} is unreachable (${code})`);
}

function messageOf(parsed: unknown): string | undefined {
  if (!isRecord(parsed)) return undefined;
  for (const key of ['message', 'error', 'msg']) {
    const value = parsed[key];
    if (typeof value === 'string' && value.trim() !== '') return trimMessage(value);
  }
  return undefined;
}

function trimMessage(text: string): string {
  const collapsed = text.replace(/\s+/g, ' ').trim();
  return collapsed.length > MAX_UPSTREAM_MESSAGE_LENGTH ? `${collapsed.slice(0, MAX_UPSTREAM_MESSAGE_LENGTH)}…` : collapsed;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
