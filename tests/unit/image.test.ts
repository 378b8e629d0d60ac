import { readFileSync } from 'node:fs';
import { SERVICE_NODE_FLAGS } from '../../scripts/service-node-flags.js';

// The image cannot be built here (no Docker engine); these keep what it runs the same as what the tests and the
// bench run.
const dockerfile = readFileSync('Dockerfile', 'utf8');
const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

describe('the container image', () => {
  it('starts node with the service flags the tests and the bench use', () => {
    const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(runtimeStage)?.[1];
    expect(entrypoint).toBeDefined();
    expect(JSON.parse(entrypoint as string)).toEqual(['node', ...SERVICE_NODE_FLAGS, 'dist/main.js']);
  });

  it('npm start runs the same command', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe(['node', ...SERVICE_NODE_FLAGS, 'dist/main.js'].join(' '));
  });

  it('ships dist/ alone in the runtime stage, as a numeric non-root user', () => {
    expect(runtimeStage).toMatch(/^COPY --from=build \/app\/dist \.\/dist$/m);
    expect(runtimeStage).not.toMatch(/npm (ci|install)|node_modules|COPY src/);
    expect(runtimeStage).toMatch(/^USER \d+:\d+$/m);
  });

  it('keeps the build script in the build context', () => {
    const ignored = readFileSync('.dockerignore', 'utf8').split('\n');
    expect(ignored).toContain('scripts/*');
    expect(ignored).toContain('!scripts/build.mjs');
    expect(dockerfile).toMatch(/^COPY scripts\/build\.mjs \.\/scripts\/$/m);
  });
});
