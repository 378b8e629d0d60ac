import { LOAD_CPU, PROXY_CPU, compileForNode, pinSelf, runMain, startPinned, waitForLine } from '../processes.js';
import { cpuSeconds } from '../proc-stats.js';
import { runWrk } from '../wrk.js';
const names = process.argv.slice(2);
runMain(async () => {
  pinSelf(LOAD_CPU);
  const scripts = compileForNode(['bench/upstream.ts', ...names]);
  const start = async (name: string, cpu: number, script: string, args: string[]) => {
    const proc = startPinned(name, cpu, process.execPath, [script, ...args]);
    const [, port] = await waitForLine(proc, /listening (\d+)/, 10_000);
    return { url: `http://127.0.0.1:${port}/api/v1/things`, pid: proc.pid };
  };
  const up = await start('upstream', LOAD_CPU, scripts[0] as string, []);
  const base = up.url.replace('/api/v1/things', '');
  const targets = [];
  for (let i = 1; i < scripts.length; i++) targets.push({ name: names[i - 1], ...(await start(names[i - 1] as string, PROXY_CPU, scripts[i] as string, [base])) });
  const cpu: Record<string, number[]> = {};
  for (const t of targets) await runWrk({ url: t.url, durationS: 2, connections: 64 });
  for (let r = 0; r < 3; r++) for (const t of targets) {
    const before = cpuSeconds(t.pid);
    const w = await runWrk({ url: t.url, durationS: 4, connections: 64 });
    (cpu[t.name as string] ??= []).push(Math.round(((cpuSeconds(t.pid) - before) * 1e6) / w.requests));
    if (w.non2xx) console.log(t.name, 'non2xx', w.non2xx);
  }
  for (const [n, xs] of Object.entries(cpu)) console.log(n.padEnd(40), xs.join(' '));
});
