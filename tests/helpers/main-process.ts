/**
 * The production entry point `node dist/main.js` (built by `npm run build`) as a child process, for the tests that
 * need the real process: exit codes, signals, the process-level error guards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export const MAIN = path.resolve('dist/main.js');

/**
 * Node flags the service always runs with: the image's ENTRYPOINT and `npm start` use exactly these (a test checks).
 * Both serve the memory targets of issue #6: 8 MB semi-spaces bound the young generation, the part of V8's heap
 * that grows with request rate (≈ 20 MB less RSS for ≈ 6 µs more GC per warm request, bench:profile); --expose-gc lets a long streamed answer ask
 * for young-generation collections as it goes (src/middleware/stream-memory.ts).
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8', '--expose-gc'];

export interface Started {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output: () => string;
  /** The port from the "listening" log line, once it was written. */
  port: () => number | undefined;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/** Throws unless dist/main.js exists (call it in beforeAll). */
export function requireBuiltMain(): void {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" (make test does) before these tests`);
}

/**
 * Spawns `node <flags> dist/main.js` (or another copy of the built service) with only PATH
 * and `env` in its environment, collecting its output.
 */
export function startMain(env: Record<string, string>, main: string = MAIN): Started {
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, main], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = () => {
    const line = out.split('\n').find((l) => l.includes('"message":"listening"'));
    return line ? (JSON.parse(line) as { port: number }).port : undefined;
  };
  return { child, output: () => out, port, exited };
}
