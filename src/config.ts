import { z } from 'zod';
import type { PluginAuthEncoding } from './core/plugin-headers.js';

/** Everything the service can be told at start. Read once by loadConfig; nothing else reads the environment. */
export interface Config {
  readonly server: {
    readonly host: string;
    readonly port: number;
    readonly tls: { readonly certFile: string; readonly keyFile: string } | undefined;
    /** How often the TLS files are checked for a renewed certificate. */
    readonly tlsReloadIntervalMs: number;
    /** Above common ingress idle timeouts (60 s) so the proxy in front never reuses a socket we just closed. */
    readonly keepAliveTimeoutMs: number;
    /** SIGTERM: how long in-flight requests may take before their sockets are destroyed. */
    readonly shutdownTimeoutMs: number;
  };
  readonly kube: {
    /** Path from KUBECONFIG; undefined means in-cluster. */
    readonly kubeconfigPath: string | undefined;
    /** In-cluster API address (KUBERNETES_SERVICE_HOST), checked so a missing cluster fails loudly. */
    readonly inClusterHost: string | undefined;
    readonly podNamespace: string;
    readonly featureFlagsConfigMap: string;
    /** Bound on one TokenReview / SubjectAccessReview call. */
    readonly reviewTimeoutMs: number;
    readonly watch: { readonly backoffInitialMs: number; readonly backoffMaxMs: number; readonly stallTimeoutMs: number };
  };
  readonly upstream: { readonly timeoutMs: number; readonly pluginAuthEncoding: PluginAuthEncoding };
  readonly authCache: { readonly allowTtlMs: number; readonly denyTtlMs: number; readonly maxEntries: number };
  readonly logLevel: 'error' | 'warn' | 'info' | 'debug';
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const integer = (name: string, min: number, max: number) =>
  z.string().transform((raw, ctx) => {
    const value = /^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      ctx.addIssue({ code: 'custom', message: `${name} must be an integer from ${min} to ${max}, got "${raw}"` });
      return z.NEVER;
    }
    return value;
  });

const oneOf = <T extends string>(name: string, values: readonly T[]) =>
  z.string().transform((raw, ctx) => {
    if (!(values as readonly string[]).includes(raw)) {
      ctx.addIssue({ code: 'custom', message: `${name} must be one of ${values.join(', ')}, got "${raw}"` });
      return z.NEVER;
    }
    return raw as T;
  });

const dns1123 = (name: string) =>
  z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: `${name} must be a DNS-1123 label` });

// Every variable, its default and its validation. Flags use the same names in kebab-case: --upstream-timeout-ms.
const ENV_SCHEMA = z.object({
  KUBECONFIG: z.string().optional(),
  KUBERNETES_SERVICE_HOST: z.string().optional(),
  PORT: integer('PORT', 0, 65535).default('8080'),
  HOST: z.string().min(1).default('0.0.0.0'),
  TLS_CERT_FILE: z.string().optional(),
  TLS_KEY_FILE: z.string().optional(),
  TLS_RELOAD_INTERVAL_MS: integer('TLS_RELOAD_INTERVAL_MS', 100, 3_600_000).default('5000'),
  POD_NAMESPACE: dns1123('POD_NAMESPACE').default('connectors-system'),
  CONFIG_FEATURE_FLAGS_NAME: z.string().min(1).optional(),
  CONFIG_NAME: z.string().min(1).optional(),
  UPSTREAM_TIMEOUT_MS: integer('UPSTREAM_TIMEOUT_MS', 1, 600_000).default('30000'),
  KUBE_REVIEW_TIMEOUT_MS: integer('KUBE_REVIEW_TIMEOUT_MS', 1, 60_000).default('5000'),
  AUTH_CACHE_ALLOW_TTL_MS: integer('AUTH_CACHE_ALLOW_TTL_MS', 0, 300_000).default('10000'),
  AUTH_CACHE_DENY_TTL_MS: integer('AUTH_CACHE_DENY_TTL_MS', 0, 300_000).default('2000'),
  AUTH_CACHE_MAX_ENTRIES: integer('AUTH_CACHE_MAX_ENTRIES', 1, 10_000_000).default('100000'),
  WATCH_BACKOFF_INITIAL_MS: integer('WATCH_BACKOFF_INITIAL_MS', 1, 60_000).default('500'),
  WATCH_BACKOFF_MAX_MS: integer('WATCH_BACKOFF_MAX_MS', 1, 600_000).default('30000'),
  WATCH_STALL_TIMEOUT_MS: integer('WATCH_STALL_TIMEOUT_MS', 1000, 3_600_000).default('120000'),
  KEEP_ALIVE_TIMEOUT_MS: integer('KEEP_ALIVE_TIMEOUT_MS', 1000, 600_000).default('65000'),
  SHUTDOWN_TIMEOUT_MS: integer('SHUTDOWN_TIMEOUT_MS', 0, 60_000).default('8000'),
  PLUGIN_AUTH_ENCODING: oneOf('PLUGIN_AUTH_ENCODING', ['base64', 'raw'] as const).default('base64'),
  LOG_LEVEL: oneOf('LOG_LEVEL', ['error', 'warn', 'info', 'debug'] as const).default('info'),
});

type EnvName = keyof typeof ENV_SCHEMA.shape;
const ENV_NAMES = Object.keys(ENV_SCHEMA.shape) as EnvName[];

/** `--upstream-timeout-ms 5` or `--upstream-timeout-ms=5` → { UPSTREAM_TIMEOUT_MS: '5' }. */
function flagsToEnv(argv: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument "${arg}"`);
    const [flag, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const name = flag.toUpperCase().replace(/-/g, '_');
    if (!(ENV_NAMES as string[]).includes(name)) throw new ConfigError(`unknown flag --${flag}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new ConfigError(`flag --${flag} needs a value`);
    out[name] = value;
  }
  return out;
}

/** Flags > environment > defaults; validated once; the result is frozen. Throws ConfigError naming the variable. */
export function loadConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Config {
  const known: Record<string, string> = {};
  for (const name of ENV_NAMES) {
    const value = env[name];
    if (value !== undefined && value !== '') known[name] = value;
  }
  const parsed = ENV_SCHEMA.safeParse({ ...known, ...flagsToEnv(argv) });
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => (i.code === 'custom' ? i.message : `${String(i.path[0])}: ${i.message}`)).join('; '));
  }
  const e = parsed.data;
  if ((e.TLS_CERT_FILE === undefined) !== (e.TLS_KEY_FILE === undefined)) {
    throw new ConfigError('TLS_CERT_FILE and TLS_KEY_FILE must be set together');
  }
  if (e.KUBECONFIG === undefined && e.KUBERNETES_SERVICE_HOST === undefined) {
    throw new ConfigError('KUBECONFIG is not set and KUBERNETES_SERVICE_HOST is absent: no Kubernetes API to use');
  }
  return deepFreeze({
    server: {
      host: e.HOST,
      port: e.PORT,
      tls: e.TLS_CERT_FILE && e.TLS_KEY_FILE ? { certFile: e.TLS_CERT_FILE, keyFile: e.TLS_KEY_FILE } : undefined,
      tlsReloadIntervalMs: e.TLS_RELOAD_INTERVAL_MS,
      keepAliveTimeoutMs: e.KEEP_ALIVE_TIMEOUT_MS,
      shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    },
    kube: {
      kubeconfigPath: e.KUBECONFIG,
      inClusterHost: e.KUBERNETES_SERVICE_HOST,
      podNamespace: e.POD_NAMESPACE,
      featureFlagsConfigMap: e.CONFIG_FEATURE_FLAGS_NAME ?? e.CONFIG_NAME ?? 'connectors-config',
      reviewTimeoutMs: e.KUBE_REVIEW_TIMEOUT_MS,
      watch: { backoffInitialMs: e.WATCH_BACKOFF_INITIAL_MS, backoffMaxMs: e.WATCH_BACKOFF_MAX_MS, stallTimeoutMs: e.WATCH_STALL_TIMEOUT_MS },
    },
    upstream: { timeoutMs: e.UPSTREAM_TIMEOUT_MS, pluginAuthEncoding: e.PLUGIN_AUTH_ENCODING },
    authCache: { allowTtlMs: e.AUTH_CACHE_ALLOW_TTL_MS, denyTtlMs: e.AUTH_CACHE_DENY_TTL_MS, maxEntries: e.AUTH_CACHE_MAX_ENTRIES },
    logLevel: e.LOG_LEVEL,
  });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
