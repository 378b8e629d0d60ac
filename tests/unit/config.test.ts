import { ConfigError, loadConfig, type Config } from '../../src/config.js';

const KUBE = { KUBECONFIG: '/home/u/.kube/config' };

function configError(argv: string[], env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(argv, env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const DEFAULTS: Config = {
  server: { host: '0.0.0.0', port: 8080, tls: undefined, tlsReloadIntervalMs: 5000, keepAliveTimeoutMs: 65000, shutdownTimeoutMs: 8000 },
  kube: {
    kubeconfigPath: '/home/u/.kube/config',
    inClusterHost: undefined,
    podNamespace: 'connectors-system',
    featureFlagsConfigMap: 'connectors-config',
    reviewTimeoutMs: 5000,
    watch: { backoffInitialMs: 500, backoffMaxMs: 30000, stallTimeoutMs: 120000 },
  },
  upstream: { timeoutMs: 30000, pluginAuthEncoding: 'base64' },
  authCache: { allowTtlMs: 10000, denyTtlMs: 2000, maxEntries: 100000 },
  logLevel: 'info',
};

describe('loadConfig: defaults and sources', () => {
  it('applies every default', () => {
    expect(loadConfig([], KUBE)).toEqual(DEFAULTS);
  });

  it('in-cluster: KUBERNETES_SERVICE_HOST alone is enough', () => {
    const config = loadConfig([], { KUBERNETES_SERVICE_HOST: '10.96.0.1' });
    expect(config.kube).toMatchObject({ kubeconfigPath: undefined, inClusterHost: '10.96.0.1' });
  });

  it.each([
    [[], { ...KUBE, PORT: '9090' }, (c: Config) => c.server.port, 9090],
    [['--port', '7070'], { ...KUBE, PORT: '9090' }, (c: Config) => c.server.port, 7070],
    [['--port=7070'], { ...KUBE, PORT: '9090' }, (c: Config) => c.server.port, 7070],
    [['--port=0'], KUBE, (c: Config) => c.server.port, 0],
    [['--port', '0'], KUBE, (c: Config) => c.server.port, 0],
    [[], { ...KUBE, PORT: '0' }, (c: Config) => c.server.port, 0],
    [[], { ...KUBE, PORT: ' 8081 ' }, (c: Config) => c.server.port, 8081],
    [[], { ...KUBE, PORT: '' }, (c: Config) => c.server.port, 8080],
    [['--host', '127.0.0.1'], KUBE, (c: Config) => c.server.host, '127.0.0.1'],
    [['--upstream-timeout-ms', '5'], { ...KUBE, UPSTREAM_TIMEOUT_MS: '9' }, (c: Config) => c.upstream.timeoutMs, 5],
    [['--plugin-auth-encoding=raw'], KUBE, (c: Config) => c.upstream.pluginAuthEncoding, 'raw'],
    [[], { ...KUBE, PLUGIN_AUTH_ENCODING: 'raw' }, (c: Config) => c.upstream.pluginAuthEncoding, 'raw'],
    [['--log-level', 'debug'], { ...KUBE, LOG_LEVEL: 'error' }, (c: Config) => c.logLevel, 'debug'],
    [[], { ...KUBE, POD_NAMESPACE: 'team-a' }, (c: Config) => c.kube.podNamespace, 'team-a'],
    [['--pod-namespace', 'ops'], { ...KUBE, POD_NAMESPACE: 'team-a' }, (c: Config) => c.kube.podNamespace, 'ops'],
    [[], { ...KUBE, AUTH_CACHE_ALLOW_TTL_MS: '0', AUTH_CACHE_DENY_TTL_MS: '0' }, (c: Config) => [c.authCache.allowTtlMs, c.authCache.denyTtlMs], [0, 0]],
    [['--kubeconfig=/a=b/config'], {}, (c: Config) => c.kube.kubeconfigPath, '/a=b/config'],
    [[], { ...KUBE, UNRELATED: 'x', PATH: '/bin' }, (c: Config) => c.server.port, 8080],
  ])('argv %j env %j', (argv, env, pick, expected) => {
    expect(pick(loadConfig(argv, env))).toEqual(expected);
  });

  it.each([
    ['CONFIG_FEATURE_FLAGS_NAME', { CONFIG_FEATURE_FLAGS_NAME: 'flags' }, 'flags'],
    ['CONFIG_NAME alias', { CONFIG_NAME: 'legacy' }, 'legacy'],
    ['CONFIG_FEATURE_FLAGS_NAME wins over CONFIG_NAME', { CONFIG_FEATURE_FLAGS_NAME: 'flags', CONFIG_NAME: 'legacy' }, 'flags'],
    ['neither', {}, 'connectors-config'],
  ])('feature-flags ConfigMap: %s → %s', (_label, env, name) => {
    expect(loadConfig([], { ...KUBE, ...env }).kube.featureFlagsConfigMap).toBe(name);
  });

  it('TLS files set together enable TLS', () => {
    expect(loadConfig([], { ...KUBE, TLS_CERT_FILE: '/tls/crt', TLS_KEY_FILE: '/tls/key' }).server.tls).toEqual({ certFile: '/tls/crt', keyFile: '/tls/key' });
    expect(loadConfig(['--tls-cert-file', '/c', '--tls-key-file', '/k'], KUBE).server.tls).toEqual({ certFile: '/c', keyFile: '/k' });
  });

  it('the result is deeply frozen', () => {
    const config = loadConfig([], { ...KUBE, TLS_CERT_FILE: '/c', TLS_KEY_FILE: '/k' });
    for (const part of [config, config.server, config.server.tls, config.kube, config.kube.watch, config.upstream, config.authCache]) {
      expect(Object.isFrozen(part)).toBe(true);
    }
    expect(() => {
      (config.server as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('does not modify the environment object it is given', () => {
    const env = { ...KUBE, PORT: '9090' };
    loadConfig(['--port', '1'], env);
    expect(env).toEqual({ ...KUBE, PORT: '9090' });
  });
});

describe('loadConfig: invalid values name their variable', () => {
  it.each([
    [[], { PORT: 'abc' }, 'PORT'],
    [[], { PORT: '65536' }, 'PORT'],
    [[], { PORT: '-1' }, 'PORT'],
    [[], { PORT: '80.5' }, 'PORT'],
    [['--port', 'abc'], {}, 'PORT'],
    [['--port='], {}, 'PORT'],
    [[], { UPSTREAM_TIMEOUT_MS: '-1' }, 'UPSTREAM_TIMEOUT_MS'],
    [[], { UPSTREAM_TIMEOUT_MS: '0' }, 'UPSTREAM_TIMEOUT_MS'],
    [[], { UPSTREAM_TIMEOUT_MS: '1e3' }, 'UPSTREAM_TIMEOUT_MS'],
    [[], { KUBE_REVIEW_TIMEOUT_MS: '60001' }, 'KUBE_REVIEW_TIMEOUT_MS'],
    [[], { AUTH_CACHE_ALLOW_TTL_MS: '-5' }, 'AUTH_CACHE_ALLOW_TTL_MS'],
    [[], { AUTH_CACHE_DENY_TTL_MS: 'x' }, 'AUTH_CACHE_DENY_TTL_MS'],
    [[], { AUTH_CACHE_MAX_ENTRIES: '0' }, 'AUTH_CACHE_MAX_ENTRIES'],
    [[], { WATCH_STALL_TIMEOUT_MS: '999' }, 'WATCH_STALL_TIMEOUT_MS'],
    [[], { KEEP_ALIVE_TIMEOUT_MS: '10' }, 'KEEP_ALIVE_TIMEOUT_MS'],
    [[], { SHUTDOWN_TIMEOUT_MS: '99999999999999999999' }, 'SHUTDOWN_TIMEOUT_MS'],
    [[], { PLUGIN_AUTH_ENCODING: 'hex' }, 'PLUGIN_AUTH_ENCODING'],
    [[], { PLUGIN_AUTH_ENCODING: 'RAW' }, 'PLUGIN_AUTH_ENCODING'],
    [[], { LOG_LEVEL: 'verbose' }, 'LOG_LEVEL'],
    [['--log-level', 'trace'], {}, 'LOG_LEVEL'],
    [[], { POD_NAMESPACE: 'Bad_NS' }, 'POD_NAMESPACE'],
    [[], { POD_NAMESPACE: '-ns' }, 'POD_NAMESPACE'],
    [['--host='], {}, 'HOST'],
  ])('argv %j env %j → ConfigError naming %s', (argv, env, name) => {
    const err = configError(argv, { ...KUBE, ...env });
    expect(err.name).toBe('ConfigError');
    expect(err.message).toContain(name);
  });

  it('reports every invalid variable at once', () => {
    const err = configError([], { ...KUBE, PORT: 'abc', LOG_LEVEL: 'verbose' });
    expect(err.message).toContain('PORT');
    expect(err.message).toContain('LOG_LEVEL');
  });

  it.each([
    ['only the certificate', { TLS_CERT_FILE: '/c' }],
    ['only the key', { TLS_KEY_FILE: '/k' }],
  ])('TLS with %s → ConfigError naming both files', (_label, env) => {
    const err = configError([], { ...KUBE, ...env });
    expect(err.message).toContain('TLS_CERT_FILE');
    expect(err.message).toContain('TLS_KEY_FILE');
  });

  it.each([
    ['empty environment', {}],
    ['both empty', { KUBECONFIG: '', KUBERNETES_SERVICE_HOST: '' }],
  ])('no Kubernetes API (%s) → ConfigError naming KUBECONFIG and KUBERNETES_SERVICE_HOST', (_label, env) => {
    const err = configError([], env);
    expect(err.message).toContain('KUBECONFIG');
    expect(err.message).toContain('KUBERNETES_SERVICE_HOST');
  });

  it.each([
    [['--nope', '1'], 'unknown flag --nope'],
    [['--nope=1'], 'unknown flag --nope'],
    [['--port_number', '1'], 'unknown flag --port_number'],
    [['port', '1'], 'unexpected argument "port"'],
    [['-p', '1'], 'unexpected argument "-p"'],
    [['--port'], 'flag --port needs a value'],
  ])('argv %j → ConfigError %j', (argv, message) => {
    expect(configError(argv, KUBE).message).toBe(message);
  });
});
