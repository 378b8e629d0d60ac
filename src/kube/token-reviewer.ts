import { AuthenticationV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { UserInfo } from '../core/types.js';
import { makeKeepAliveApiClient } from './api-client.js';
import { observed, withTimeout, type KubeCallObserver } from './with-timeout.js';

/** undefined: the token does not authenticate. Throws when the review could not be made at all. */
export interface TokenReviewer {
  review(token: string): Promise<UserInfo | undefined>;
  /** A cached answer available without waiting, if the implementation caches; undefined = ask review(). */
  peek?(token: string): { user: UserInfo | undefined } | undefined;
}

/** authentication.k8s.io/v1 TokenReview through the API server: the only code that creates TokenReviews. */
export class KubeTokenReviewer implements TokenReviewer {
  private readonly api: AuthenticationV1Api;
  private readonly timeoutMs: number;

  private readonly onCall: KubeCallObserver | undefined;

  constructor(options: { readonly kubeConfig: KubeConfig; readonly timeoutMs: number; readonly onCall?: KubeCallObserver }) {
    this.api = makeKeepAliveApiClient(options.kubeConfig, AuthenticationV1Api);
    this.timeoutMs = options.timeoutMs;
    this.onCall = options.onCall;
  }

  async review(token: string): Promise<UserInfo | undefined> {
    const result = await observed(
      'tokenreview',
      withTimeout(
        this.api.createTokenReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } } }),
        this.timeoutMs,
        'TokenReview',
      ),
      this.onCall,
    );
    const status = result.status;
    if (!status?.authenticated || !status.user?.username) return undefined;
    const { username, uid, groups, extra } = status.user;
    return { username, uid, groups, extra };
  }
}
