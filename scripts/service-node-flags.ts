/**
 * Node flags the service always runs with: the image's ENTRYPOINT and `npm start` use exactly these
 * (tests/unit/image.test.ts checks), and so do the tests that start `dist/main.js`, the demo and the bench.
 * Both serve the memory targets of issue #6: 8 MB semi-spaces bound the young generation, the part of V8's heap
 * that grows with request rate (≈ 20 MB less RSS for a few µs more GC per warm request, bench:profile);
 * --expose-gc lets a long streamed answer ask for young-generation collections as it goes
 * (src/middleware/stream-memory.ts).
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8', '--expose-gc'];
