/**
 * The production entry point `node dist/main.js` (built by `npm run build`) as a child process, for the tests that
 * need the real process: exit codes, signals, the process-level error guards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { SERVICE_NODE_FLAGS } from '../../scripts/service-node-flags.js';

export const MAIN = path.resolve('dist/main.js');


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
