import type http from 'node:http';

export interface MetaV1StatusBody {
  kind: string;
  apiVersion: string;
  metadata: Record<string, unknown>;
  status: string;
  message: string;
  reason: string;
  code: number;
}

export interface AnswerLike {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A full metav1.Status as JSON (never HTML, never a stack trace), with the HTTP status equal to `code`. */
export function expectStatus(res: AnswerLike, code: number, reason: string): MetaV1StatusBody {
  if (res.status !== code) throw new Error(`expected HTTP ${code}, got ${res.status}: ${res.body.toString('utf8').slice(0, 300)}`);
  expect(res.headers['content-type']).toMatch(/^application\/json\b/);
  const text = res.body.toString('utf8');
  expect(text).not.toMatch(/<html|<!doctype|<pre>|\bat .*\.(js|ts):\d+/i);
  const body = JSON.parse(text) as MetaV1StatusBody;
  expect(body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: expect.any(String), reason, code });
  expect(body.message.length).toBeGreaterThan(0);
  return body;
}
