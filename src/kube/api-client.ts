import https from 'node:https';
import { createConfiguration, ServerConfiguration, type KubeConfig, type RequestContext, type SecurityAuthentication } from '@kubernetes/client-node';

/**
 * client-node 1.4's KubeConfig.applySecurityAuthentication builds a new https.Agent for every API call, so each
 * TokenReview and SubjectAccessReview paid a full TLS handshake (≈ 5 ms of CPU on the cold path). This keeps the
 * kubeconfig's own authentication (headers are re-applied per call, so rotating token files still work) and
 * swaps in one keep-alive agent built from the same TLS options.
 */
class KeepAliveAuthentication implements SecurityAuthentication {
  private readonly kubeConfig: KubeConfig;
  private shared: https.Agent | undefined;

  constructor(kubeConfig: KubeConfig) {
    this.kubeConfig = kubeConfig;
  }

  getName(): string {
    return 'kubeconfig authentication with keep-alive';
  }

  async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await this.kubeConfig.applySecurityAuthentication(context);
    const perCall = context.getAgent();
    // Only a plain https.Agent is replaced: proxy agents (cluster.proxyUrl) and plain http keep their own.
    if (perCall instanceof https.Agent && perCall.constructor === https.Agent) {
      this.shared ??= new https.Agent({ ...perCall.options, keepAlive: true, maxSockets: 64, maxFreeSockets: 16 });
      context.setAgent(this.shared);
    }
  }
}

/** Like KubeConfig.makeApiClient, with connections kept alive between calls. */
export function makeKeepAliveApiClient<T>(kubeConfig: KubeConfig, apiClientType: new (config: ReturnType<typeof createConfiguration>) => T): T {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  return new apiClientType(
    createConfiguration({ baseServer: new ServerConfiguration(cluster.server, {}), authMethods: { default: new KeepAliveAuthentication(kubeConfig) } }),
  );
}

