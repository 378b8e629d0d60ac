// Start-up data: multi-document YAML files (kind: List expanded) and the tokens.csv beside them.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { findByKind } from './resources.js';
import { parseTokenCsv } from './tokens.js';
import type { KubeObject, StaticToken } from './types.js';

export const TOKEN_FILE_NAME = 'tokens.csv';

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function toObject(doc: unknown, where: string): KubeObject {
  if (!isRecord(doc) || typeof doc.apiVersion !== 'string' || typeof doc.kind !== 'string') {
    throw new Error(`${where}: not a Kubernetes object (apiVersion and kind are required)`);
  }
  if (!isRecord(doc.metadata) || typeof doc.metadata.name !== 'string' || doc.metadata.name === '') {
    throw new Error(`${where}: ${doc.kind} without metadata.name`);
  }
  if (!findByKind(doc.apiVersion, doc.kind)) {
    throw new Error(`${where}: the emulator does not serve kind "${doc.kind}" in version "${doc.apiVersion}"`);
  }
  return doc as KubeObject;
}

/** Objects in a multi-document YAML text; `kind: List` documents are expanded. Throws naming the source. */
export function parseObjectsYaml(text: string, source: string): KubeObject[] {
  const objects: KubeObject[] = [];
  parseAllDocuments(text).forEach((document, index) => {
    const where = `${source} (document ${index + 1})`;
    if (document.errors.length > 0) throw new Error(`${where}: ${document.errors[0]?.message ?? 'invalid YAML'}`);
    const doc: unknown = document.toJS();
    if (doc === null || doc === undefined) return;
    if (isRecord(doc) && typeof doc.kind === 'string' && doc.kind.endsWith('List') && Array.isArray(doc.items)) {
      doc.items.forEach((item, i) => objects.push(toObject(item, `${where} item ${i}`)));
    } else objects.push(toObject(doc, where));
  });
  return objects;
}

export interface LoadedDir {
  objects: KubeObject[];
  tokens: StaticToken[];
}

/** Every *.yaml / *.yml in dir (sorted by name), plus dir/tokens.csv when present. */
export async function loadObjectsDir(dir: string): Promise<LoadedDir> {
  const names = (await readdir(dir)).sort();
  const objects: KubeObject[] = [];
  for (const name of names.filter((n) => /\.ya?ml$/i.test(n))) {
    const path = join(dir, name);
    objects.push(...parseObjectsYaml(await readFile(path, 'utf8'), path));
  }
  const tokens = names.includes(TOKEN_FILE_NAME) ? await loadTokenFile(join(dir, TOKEN_FILE_NAME)) : [];
  return { objects, tokens };
}

export async function loadTokenFile(path: string): Promise<StaticToken[]> {
  return parseTokenCsv(await readFile(path, 'utf8'), path);
}
