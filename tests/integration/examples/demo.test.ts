/**
 * `make run` end to end: the demo (examples/demo.ts, what `npm run demo` runs) starts the emulator, the example
 * ConnectorClass API, the example tool and the built service; every curl command it prints is run exactly as printed
 * (plus `-w` for the status code) and must answer what its comment says; Ctrl-C (SIGINT) stops all four.
 * Needs `npm run build` (make test builds first). Everything listens on 127.0.0.1.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import net from 'node:net';
import { requireBuiltMain } from '../../helpers/main-process.js';
import { freePort } from '../../helpers/ports.js';
import { EXAMPLES_DIR, waitFor } from '../../helpers/harness.js';

/** The example Secrets' values long enough to be unmistakable (a username like "demo" is also in URLs). */
function exampleSecretValues(): string[] {
  const docs = parseAllDocuments(readFileSync(path.join(EXAMPLES_DIR, 'secrets.yaml'), 'utf8')).map((d) => d.toJS() as { stringData?: Record<string, string> } | null);
  return docs.flatMap((d) => Object.values(d?.stringData ?? {})).filter((v) => v.length >= 8);
}

interface PrintedCommand {
  comment: string;
  command: string;
}

/** Each `curl …` line with the comment lines just above it. */
function printedCommands(output: string): PrintedCommand[] {
  const found: PrintedCommand[] = [];
  let comment: string[] = [];
  for (const line of output.split('\n')) {
    if (line.startsWith('# ')) comment.push(line.slice(2));
    else if (line.startsWith('curl ')) {
      found.push({ comment: comment.join(' '), command: line });
      comment = [];
    } else comment = [];
  }
  return found;
}

/** Runs a printed command through bash, bounded in time; resolves with the body and the status code. */
function runCurl(command: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    execFile('bash', ['-c', `${command} --max-time 10 -w '\\n%{http_code}'`], { timeout: 15_000 }, (err, stdout) => {
      if (err) return reject(err);
      const cut = stdout.lastIndexOf('\n');
      resolve({ status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) });
    });
  });
}

function listening(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

describe('make run (the demo)', () => {
  let demo: ChildProcess | undefined;
  let output = '';
  let exited: Promise<number | null>;

  beforeAll(async () => {
    requireBuiltMain();
    const port = await freePort();
    demo = spawn(process.execPath, ['--import', 'tsx', 'examples/demo.ts'], { env: { ...process.env, DEMO_PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
    demo.stdout?.on('data', (d: Buffer) => (output += d.toString('utf8')));
    demo.stderr?.on('data', (d: Buffer) => (output += d.toString('utf8')));
    exited = new Promise((resolve) => demo?.once('exit', (code) => resolve(code)));
    await waitFor(() => output.includes('Ctrl-C stops all four.'), 30_000, 'the demo to print its commands');
  }, 40_000);

  afterAll(async () => {
    if (demo && demo.exitCode === null) {
      demo.kill('SIGKILL');
      await exited;
    }
  });

  it('prints curl commands that answer as their comments say, each a list or a Status', async () => {
    const commands = printedCommands(output);
    const bodies: string[] = [];
    expect(commands.length).toBeGreaterThanOrEqual(12);
    for (const { comment, command } of commands) {
      expect(command).toMatch(/'http:\/\/127\.0\.0\.1:\d+\//); // loopback only
      const expected = Number(/^(\d{3}):/.exec(comment)?.[1] ?? 200);
      const { status, body } = await runCurl(command);
      bodies.push(body);
      expect({ command, status }).toEqual({ command, status: expected });
      const parsed: unknown = JSON.parse(body);
      if (expected === 200 && command.includes('/featureflags')) expect(parsed).toBeInstanceOf(Object);
      else if (expected === 200 && /bare array comes back unchanged|still encoded/.test(comment)) expect(Array.isArray(parsed)).toBe(true);
      else if (expected === 200 && /list|array/.test(comment)) expect(parsed).toMatchObject({ listMeta: { totalItems: expect.any(Number) }, items: expect.any(Array) });
      else if (expected !== 200) expect(parsed).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: expected });
      if (expected === 400) expect(parsed).toMatchObject({ message: "api address of connectorclass 'git-noapi' is not resolved" });
    }
    expect(commands.map((c) => /^(\d{3}):/.exec(c.comment)?.[1]).filter(Boolean).sort()).toEqual(['400', '401', '403', '404', '405', '405']);
    // No example Secret value in anything a client saw, nor in the demo's own output (the service's log included).
    const secrets = exampleSecretValues();
    expect(secrets.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      expect(bodies.join('\n')).not.toContain(secret);
      expect(output).not.toContain(secret);
    }
  });

  it('Ctrl-C (SIGINT) stops the emulator, the class API, the tool and the service', async () => {
    const urls = [...output.matchAll(/^[^\n]*: (https?:\/\/127\.0\.0\.1:\d+)$/gm)].map((m) => m[1] as string);
    expect(urls).toHaveLength(4);
    for (const url of urls) expect(await listening(url)).toBe(true);
    demo?.kill('SIGINT');
    expect(await exited).toBe(0);
    for (const url of urls) expect(await listening(url)).toBe(false);
  }, 20_000);
});
