// Processes of the bench: started pinned to a CPU, read from /proc, and always stopped (normal end, errors, Ctrl-C).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { cpus } from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';

const running = new Set<Proc>();
const cleanups: Array<() => unknown> = [];

/** `which name`: is an executable of that name on PATH? */
export function onPath(name: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      accessSync(path.join(dir, name), constants.X_OK);
      return dir !== '';
    } catch {
      return false;
    }
  });
}

/** Pinning needs taskset and two CPUs; without them everything runs unpinned (and the table says so). */
export const PINNED = cpus().length >= 2 && onPath('taskset');
export const PROXY_CPU = 0;
export const LOAD_CPU = 1;

/** Moves every thread of this process to `cpu`; threads created later inherit it. */
export function pinSelf(cpu: number): void {
  if (PINNED) execFileSync('taskset', ['-a', '-cp', String(cpu), String(process.pid)], { stdio: 'ignore' });
}

export interface Proc {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
}

/** Spawns `command args` on `cpu` (taskset execs, so the pid is the command's). stdout 'ignore' is /dev/null. */
export function startPinned(name: string, cpu: number, command: string, args: string[], opts: { env?: NodeJS.ProcessEnv; stdout?: 'pipe' | 'ignore' } = {}): Proc {
  const [cmd, argv] = PINNED ? ['taskset', ['-c', String(cpu), command, ...args]] : [command, args];
  const child = spawn(cmd, argv, { env: { ...process.env, ...opts.env }, stdio: ['ignore', opts.stdout ?? 'pipe', 'inherit'] });
  if (child.pid === undefined) throw new Error(`could not start ${name} (${command})`);
  const exited = new Promise<number | null>((resolve) => {
    child.once('error', () => resolve(-1));
    child.once('exit', (code) => resolve(code));
  });
  const proc: Proc = { name, pid: child.pid, child, exited };
  running.add(proc);
  void exited.then(() => running.delete(proc));
  return proc;
}

/** Resolves with the first stdout line matching `pattern`; rejects on exit or after timeoutMs. Then drains stdout. */
export function waitForLine(proc: Proc, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`${proc.name}: no line matching ${pattern} within ${timeoutMs} ms`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const match = pattern.exec(text);
      if (!match) return;
      clearTimeout(timer);
      proc.child.stdout?.off('data', onData);
      proc.child.stdout?.resume();
      resolve(match);
    };
    proc.child.stdout?.on('data', onData);
    void proc.exited.then((code) => reject(new Error(`${proc.name} exited (${code}) before printing ${pattern}`)));
  });
}

/** Starts a pinned `node <script> …args` that prints "listening <port>" (upstream, baseline, floor); its base URL. */
export async function startListening(name: string, cpu: number, script: string, args: string[]): Promise<{ url: string; pid: number }> {
  const proc = startPinned(name, cpu, process.execPath, [script, ...args]);
  const [, port] = await waitForLine(proc, /listening (\d+)/, 10_000);
  return { url: `http://127.0.0.1:${port}`, pid: proc.pid };
}

/** Stops one child: SIGTERM, then SIGKILL after 3 s. */
export async function stop(proc: Proc): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill('SIGTERM');
  const kill = setTimeout(() => proc.child.kill('SIGKILL'), 3000);
  await proc.exited;
  clearTimeout(kill);
}

/** Runs at the end, in reverse order of registration (after every child was stopped). */
export function onCleanup(fn: () => unknown): void {
  cleanups.push(fn);
}

async function cleanUp(): Promise<void> {
  await Promise.all([...running].map(stop));
  for (const fn of cleanups.splice(0).reverse()) {
    await Promise.race([Promise.resolve().then(fn).catch(() => undefined), new Promise((r) => setTimeout(r, 5000))]);
  }
}

/** Runs main, then stops everything; Ctrl-C and errors too. Exits with main's verdict (0, 1 on error, 130 on a signal). */
export function runMain(main: () => Promise<number | void>): void {
  let ending = false;
  const end = (code: number) => {
    if (ending) return;
    ending = true;
    void cleanUp().finally(() => process.exit(code));
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      console.error(`\n${signal}: stopping every process the bench started`);
      end(130);
    });
  }
  process.on('exit', () => running.forEach((proc) => proc.child.kill('SIGKILL')));
  main().then(
    (code) => end(code ?? 0),
    (err: unknown) => {
      if (ending) return; // a signal is stopping everything; what failed because of it does not matter
      console.error(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      end(1);
    },
  );
}

/**
 * Bundles bench programs to plain JS in bench/.tmp/ (git-ignored) with esbuild: their own imports (src/ modules
 * included) go inside, npm packages stay imports resolved from node_modules. They then run without the tsx loader
 * (which alone adds ~40 MB RSS). Returns the .js paths.
 */
export function compileForNode(files: string[]): string[] {
  const outDir = path.resolve('bench/.tmp', String(process.pid));
  mkdirSync(outDir, { recursive: true });
  onCleanup(() => {
    rmSync(outDir, { recursive: true, force: true });
    if (readdirSync(path.dirname(outDir)).length === 0) rmSync(path.dirname(outDir), { recursive: true });
  });
  return files.map((file) => {
    const outfile = path.join(outDir, path.basename(file).replace(/\.ts$/, '.js'));
    buildSync({ entryPoints: [file], outfile, bundle: true, packages: 'external', platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' });
    return outfile;
  });
}

/** Polls `condition` every intervalMs, bounded in time. */
export async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number, what: string, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** A TCP port that was free on 127.0.0.1 a moment ago (listen on :0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
