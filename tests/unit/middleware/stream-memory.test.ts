import { PassThrough, Writable, pipeline } from 'node:stream';
import { createStreamReclaimer } from '../../../src/middleware/stream-memory.js';

/** Pipes `chunks` through a watched source into a sink; resolves with what the sink received. */
async function relay(watch: (s: PassThrough) => void, chunks: Buffer[], sinkDelayMs = 0): Promise<Buffer> {
  const source = new PassThrough();
  watch(source);
  const received: Buffer[] = [];
  const sink = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _enc, done) {
      received.push(chunk);
      setTimeout(done, sinkDelayMs);
    },
  });
  const finished = new Promise<void>((resolve, reject) => pipeline(source, sink, (err) => (err ? reject(err) : resolve())));
  for (const chunk of chunks) if (!source.write(chunk)) await new Promise((r) => source.once('drain', r));
  source.end();
  await finished;
  return Buffer.concat(received);
}

describe('createStreamReclaimer', () => {
  it.each<[string, number[], number, number]>([
    ['nothing below the interval', [100, 200], 1000, 0],
    ['one collection at the interval', [600, 400], 1000, 1],
    ['one per interval over a long stream', Array<number>(25).fill(400), 1000, 10],
    ['a single chunk larger than the interval counts once', [5000], 1000, 1],
    ['the remainder carries over', [1500, 600], 1000, 2],
  ])('asks for %s', async (_, sizes, every, expected) => {
    const calls: unknown[] = [];
    const reclaimer = createStreamReclaimer((o) => calls.push(o), every);
    const chunks = sizes.map((n, i) => Buffer.alloc(n, i));
    expect(await relay(reclaimer.watch, chunks)).toEqual(Buffer.concat(chunks));
    expect(calls).toHaveLength(expected);
    for (const call of calls) expect(call).toEqual({ type: 'minor' });
  });

  it('counts every watched stream towards one process-wide interval', async () => {
    let calls = 0;
    const reclaimer = createStreamReclaimer(() => calls++, 1000);
    await relay(reclaimer.watch, [Buffer.alloc(600)]);
    await relay(reclaimer.watch, [Buffer.alloc(600)]);
    expect(calls).toBe(1);
  });

  it('keeps the pipe’s backpressure and order with a slow reader', async () => {
    const reclaimer = createStreamReclaimer(() => undefined, 1000);
    const chunks = Array.from({ length: 20 }, (_, i) => Buffer.alloc(700, i));
    expect(await relay(reclaimer.watch, chunks, 2)).toEqual(Buffer.concat(chunks));
  });

  it.each<[string, number | undefined, number]>([
    ['no Content-Length (chunked): watched', undefined, 1],
    ['a length at the interval: watched', 1000, 1],
    ['a length above the interval: watched', 5000, 1],
    ['a length that is not a number: watched', Number('12abc'), 1],
    ['a length below the interval: left alone', 999, 0],
    ['an empty body: left alone', 0, 0],
  ])('a source with %s', (_, declaredBytes, listeners) => {
    const reclaimer = createStreamReclaimer(() => undefined, 1000);
    const source = new PassThrough();
    reclaimer.watch(source, declaredBytes);
    expect(source.listenerCount('data')).toBe(listeners);
  });

  it('does nothing without gc (node not started with --expose-gc)', async () => {
    const reclaimer = createStreamReclaimer(undefined, 1);
    const source = new PassThrough();
    reclaimer.watch(source);
    expect(source.listenerCount('data')).toBe(0);
  });
});
