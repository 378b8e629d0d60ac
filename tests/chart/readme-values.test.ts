import { readFileSync } from 'node:fs';
import YAML from 'yaml';

/** Every leaf of values.yaml, with its default as the README prints it. */
function valuesRows(): Map<string, string> {
  const values = YAML.parse(readFileSync('charts/connectors-api/values.yaml', 'utf8')) as Record<string, unknown>;
  const rows = new Map<string, string>();
  const walk = (node: Record<string, unknown>, prefix: string) => {
    for (const [key, value] of Object.entries(node)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (path === 'featureFlags.flags') rows.set(path, 'all "false"');
      else if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) walk(value as Record<string, unknown>, path);
      else rows.set(path, `\`${JSON.stringify(value)}\``);
    }
  };
  walk(values, '');
  return rows;
}

function readmeRows(): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of readFileSync('README.md', 'utf8').split('\n')) {
    const match = /^\| `([A-Za-z0-9.]+)` \| (.+?) \| .*\|$/.exec(line);
    if (match?.[1] && match[2]) rows.set(match[1], match[2]);
  }
  return rows;
}

describe('README Helm values table', () => {
  it('lists every value of values.yaml with its default, and no value that does not exist', () => {
    const values = valuesRows();
    const readme = readmeRows();
    for (const [key, fallback] of values) expect([key, readme.get(key)]).toEqual([key, fallback]);
    const chartKeys = [...readme.keys()].filter((k) => !/^[A-Z_]+$/.test(k) && (k.includes('.') || values.has(k)));
    for (const key of chartKeys) expect([key, values.has(key)]).toEqual([key, true]);
  });

  it('documents every flag the chart sets to "false"', () => {
    const values = YAML.parse(readFileSync('charts/connectors-api/values.yaml', 'utf8')) as { featureFlags: { flags: Record<string, string> } };
    const readme = readFileSync('README.md', 'utf8');
    for (const flag of Object.keys(values.featureFlags.flags)) expect(readme).toContain(flag);
  });
});
