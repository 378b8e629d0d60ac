// node --import tsx emulator/cli.ts --dir examples/cluster [--port N] [--kubeconfig-out path --token T]
import { parseArgs } from 'node:util';
import { startEmulator } from './index.js';

const USAGE = 'usage: emulator/cli.ts [--dir DIR] [--port N] [--kubeconfig-out PATH --token TOKEN] [--bookmark-interval-ms MS]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dir: { type: 'string' },
      port: { type: 'string', default: '0' },
      'kubeconfig-out': { type: 'string' },
      token: { type: 'string' },
      'bookmark-interval-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be an integer 0-65535, got "${values.port}"`);
  if (values['kubeconfig-out'] && !values.token) throw new Error('--kubeconfig-out needs --token');
  const bookmarkIntervalMs = values['bookmark-interval-ms'] ? Number(values['bookmark-interval-ms']) : undefined;

  const emulator = await startEmulator({ objectsDir: values.dir, port, bookmarkIntervalMs });
  console.log(`kube emulator listening on ${emulator.url}`);
  if (values['kubeconfig-out'] && values.token) {
    await emulator.writeKubeconfig(values['kubeconfig-out'], values.token);
    console.log(`kubeconfig written to ${values['kubeconfig-out']}`);
  }
  const shutdown = (signal: string): void => {
    console.log(`${signal}: stopping`);
    emulator.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  console.error(USAGE);
  process.exit(2);
});
