// `npm run build`: the service as one ES module, dist/main.js, with its dependencies inside (esbuild).
// Why a bundle (issue #6, memory): @kubernetes/client-node 1.4 imports its whole generated API, 53 MB of
// JavaScript that V8 keeps as source text; tree-shaken and without comments the service is ≈ 3 MB and its RSS
// ≈ 20 MB lower. Type checking is `npm run typecheck` (tsc); esbuild only strips types.
import { build } from 'esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist');
await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/main.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Whitespace and syntax only: identifiers keep their names, so stack traces and class names stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  legalComments: 'linked',
  logLevel: 'warning',
  // CommonJS dependencies inside an ES module still call require() and read __dirname/__filename.
  banner: {
    js: [
      "import { createRequire as __createRequire } from 'node:module';",
      "import { fileURLToPath as __fileURLToPath } from 'node:url';",
      'const require = __createRequire(import.meta.url);',
      'const __filename = __fileURLToPath(import.meta.url);',
      "const __dirname = __fileURLToPath(new URL('.', import.meta.url));",
    ].join(' '),
  },
});
// dist/ runs on its own (the image copies only dist/): this marks main.js as an ES module.
writeFileSync('dist/package.json', `${JSON.stringify({ type: 'module', private: true }, null, 2)}\n`);
