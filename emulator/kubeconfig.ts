// The kubeconfig a client needs to reach the emulator: its URL, its CA, one bearer token.
import { stringify } from 'yaml';

export function buildKubeconfig(server: string, caPem: string, token: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'emulator', cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    users: [{ name: 'emulator-user', user: { token } }],
    contexts: [{ name: 'emulator', context: { cluster: 'emulator', user: 'emulator-user', namespace: 'default' } }],
    'current-context': 'emulator',
    preferences: {},
  });
}
