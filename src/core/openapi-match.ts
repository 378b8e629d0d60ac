import { StatusError } from '../errors.js';

export type ProviderType = 'api' | 'proxy';

export interface MatchedOperation {
  /** The matched `paths` key, braces kept (SAR #2 form B); undefined when no template matched. */
  template: string | undefined;
  providerType: ProviderType;
  /** `x-openapi-address` of the operation: an addressExtensions name or a full URL; undefined → spec.address. */
  openapiAddress: string | undefined;
}

interface CompiledTemplate {
  template: string;
  segments: RegExp[];
  /** 1 for a literal segment, 0 for one with a variable: compared position by position for precedence. */
  literalMask: number[];
  literalCount: number;
  operations: Record<string, unknown>;
}

const compiledByDocument = new WeakMap<object, CompiledTemplate[]>();

/**
 * Finds the OpenAPI operation of a request (decisions.md "OpenAPI matching"): the raw, still-encoded path is
 * matched segment by segment; `{x}` matches one non-empty segment; more literal segments win, ties go to the
 * earliest literal; a trailing slash is significant. HEAD and OPTIONS use their own operation when declared,
 * else `get`. No document, no match or no operation → proxy.
 */
export function matchOperation(openapi: unknown, rawSegments: readonly string[], method: string, className: string): MatchedOperation {
  const candidates = compile(openapi).filter((t) => matches(t, rawSegments));
  if (candidates.length === 0) return { template: undefined, providerType: 'proxy', openapiAddress: undefined };
  const best = candidates.reduce((a, b) => (precedes(b, a) ? b : a));
  const operation = operationFor(best.operations, method);
  if (!isRecord(operation)) return { template: best.template, providerType: 'proxy', openapiAddress: undefined };
  const provider = operation['x-provider-type'] ?? 'proxy';
  if (provider !== 'api' && provider !== 'proxy') {
    throw StatusError.badRequest(`connectorclass '${className}' declares an unknown x-provider-type ${JSON.stringify(provider)} for path '${best.template}'`);
  }
  const address = operation['x-openapi-address'];
  return { template: best.template, providerType: provider, openapiAddress: typeof address === 'string' && address !== '' ? address : undefined };
}

function operationFor(operations: Record<string, unknown>, method: string): unknown {
  const key = method.toLowerCase();
  const own = operations[key];
  if (own !== undefined || (key !== 'head' && key !== 'options')) return own;
  return operations.get;
}

function matches(t: CompiledTemplate, rawSegments: readonly string[]): boolean {
  return t.segments.length === rawSegments.length && t.segments.every((re, i) => re.test(rawSegments[i] as string));
}

/** a before b: more literal segments, then the first position where one is literal and the other not. */
function precedes(a: CompiledTemplate, b: CompiledTemplate): boolean {
  if (a.literalCount !== b.literalCount) return a.literalCount > b.literalCount;
  for (let i = 0; i < a.literalMask.length; i++) {
    if (a.literalMask[i] !== b.literalMask[i]) return a.literalMask[i] === 1;
  }
  return false;
}

function compile(openapi: unknown): CompiledTemplate[] {
  if (!isRecord(openapi) || !isRecord(openapi.paths)) return [];
  const cached = compiledByDocument.get(openapi);
  if (cached) return cached;
  const compiled: CompiledTemplate[] = [];
  for (const [template, operations] of Object.entries(openapi.paths)) {
    if (!template.startsWith('/') || !isRecord(operations)) continue;
    const parts = template.slice(1).split('/');
    const literalMask = parts.map((p): number => (p.includes('{') ? 0 : 1));
    compiled.push({ template, segments: parts.map(segmentPattern), literalMask, literalCount: literalMask.reduce((n, x) => n + x, 0), operations });
  }
  compiledByDocument.set(openapi, compiled);
  return compiled;
}

/** `{id}` → one or more characters of a single segment; everything else literal and case-sensitive. */
function segmentPattern(part: string): RegExp {
  const source = part
    .split(/(\{[^}/]*\})/)
    .map((piece) => (/^\{[^}/]*\}$/.test(piece) ? '[^/]+' : piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
