// PATCH bodies: RFC 7386 JSON merge patch (strategic merge patch is treated as a merge patch) and RFC 6902
// JSON patch, the default content type of client-node's patch methods.
import { StatusError } from './status.js';

type Json = unknown;
type JsonObject = Record<string, Json>;

const isObject = (v: Json): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

interface Operation {
  op: string;
  path: string;
  value?: Json;
  from?: string;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw StatusError.badRequest(`JSON patch path must start with "/": ${path}`);
  return path.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: Json, tokens: string[]): { parent: JsonObject | Json[]; key: string } {
  let node: Json = doc;
  for (const token of tokens.slice(0, -1)) {
    node = Array.isArray(node) ? node[Number(token)] : isObject(node) ? node[token] : undefined;
    if (node === undefined) throw StatusError.badRequest(`JSON patch path not found: /${tokens.join('/')}`);
  }
  if (!Array.isArray(node) && !isObject(node)) throw StatusError.badRequest(`JSON patch path not found: /${tokens.join('/')}`);
  return { parent: node, key: tokens[tokens.length - 1] ?? '' };
}

function read(doc: Json, path: string): Json {
  const tokens = pointer(path);
  if (tokens.length === 0) return doc;
  const { parent, key } = parentOf(doc, tokens);
  const value = Array.isArray(parent) ? parent[Number(key)] : parent[key];
  if (value === undefined) throw StatusError.badRequest(`JSON patch path not found: ${path}`);
  return value;
}

function remove(doc: Json, path: string): void {
  read(doc, path);
  const { parent, key } = parentOf(doc, pointer(path));
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete parent[key];
}

function add(doc: Json, path: string, value: Json, replace: boolean): Json {
  const tokens = pointer(path);
  if (tokens.length === 0) return structuredClone(value);
  if (replace) read(doc, path);
  const { parent, key } = parentOf(doc, tokens);
  if (Array.isArray(parent)) {
    const index = key === '-' ? parent.length : Number(key);
    if (!Number.isInteger(index) || index < 0 || index > parent.length) throw StatusError.badRequest(`JSON patch index out of range: ${path}`);
    parent.splice(index, replace ? 1 : 0, structuredClone(value));
  } else parent[key] = structuredClone(value);
  return doc;
}

export function jsonPatch(target: Json, ops: Json): Json {
  if (!Array.isArray(ops)) throw StatusError.badRequest('JSON patch body must be an array of operations');
  let doc = structuredClone(target);
  for (const raw of ops as Operation[]) {
    if (!isObject(raw) || typeof raw.path !== 'string') throw StatusError.badRequest('JSON patch operation needs op and path');
    switch (raw.op) {
      case 'add':
      case 'replace':
        doc = add(doc, raw.path, raw.value, raw.op === 'replace');
        break;
      case 'remove':
        remove(doc, raw.path);
        break;
      case 'move':
      case 'copy': {
        const value = read(doc, raw.from ?? '');
        if (raw.op === 'move') remove(doc, raw.from ?? '');
        doc = add(doc, raw.path, value, false);
        break;
      }
      case 'test':
        if (JSON.stringify(read(doc, raw.path)) !== JSON.stringify(raw.value)) {
          throw new StatusError(422, 'Invalid', `the server rejected our request due to an error in our request: testing value ${raw.path} failed`);
        }
        break;
      default:
        throw StatusError.badRequest(`Unexpected kind: ${String(raw.op)}`);
    }
  }
  return doc;
}

/** Applies a PATCH body by its Content-Type; 415 for apply patches and unknown types. */
export function applyPatch(target: Json, contentType: string, patch: Json): Json {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json-patch+json') return jsonPatch(target, patch);
  if (type === 'application/merge-patch+json' || type === 'application/strategic-merge-patch+json') {
    return mergePatch(target, patch);
  }
  throw StatusError.unsupportedMediaType(contentType);
}
