import { AuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { ResourceAttributes, UserInfo } from '../core/types.js';
import { makeKeepAliveApiClient } from './api-client.js';
import { observed, withTimeout, type KubeCallObserver } from './with-timeout.js';

/** true: allowed. Throws when the review could not be made at all. */
export interface AccessReviewer {
  review(user: UserInfo, attributes: ResourceAttributes): Promise<boolean>;
  /** A cached decision available without waiting, if the implementation caches; undefined = ask review(). */
  peek?(user: UserInfo, attributes: ResourceAttributes): boolean | undefined;
}

/** authorization.k8s.io/v1 SubjectAccessReview: the only code that creates SubjectAccessReviews. */
export class KubeAccessReviewer implements AccessReviewer {
  private readonly api: AuthorizationV1Api;
  private readonly timeoutMs: number;

  private readonly onCall: KubeCallObserver | undefined;

  constructor(options: { readonly kubeConfig: KubeConfig; readonly timeoutMs: number; readonly onCall?: KubeCallObserver }) {
    this.api = makeKeepAliveApiClient(options.kubeConfig, AuthorizationV1Api);
    this.timeoutMs = options.timeoutMs;
    this.onCall = options.onCall;
  }

  async review(user: UserInfo, attributes: ResourceAttributes): Promise<boolean> {
    const result = await observed('subjectaccessreview', withTimeout(
      this.api.createSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          spec: { user: user.username, uid: user.uid, groups: user.groups, extra: user.extra, resourceAttributes: attributes },
        },
      }),
      this.timeoutMs,
      'SubjectAccessReview',
    ), this.onCall);
    return result.status?.allowed === true && result.status.denied !== true;
  }
}
