import { AuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { ResourceAttributes, UserInfo } from '../core/types.js';
import { withTimeout } from './with-timeout.js';

/** true: allowed. Throws when the review could not be made at all. */
export interface AccessReviewer {
  review(user: UserInfo, attributes: ResourceAttributes): Promise<boolean>;
}

/** authorization.k8s.io/v1 SubjectAccessReview: the only code that creates SubjectAccessReviews. */
export class KubeAccessReviewer implements AccessReviewer {
  private readonly api: AuthorizationV1Api;
  private readonly timeoutMs: number;

  constructor(options: { readonly kubeConfig: KubeConfig; readonly timeoutMs: number }) {
    this.api = options.kubeConfig.makeApiClient(AuthorizationV1Api);
    this.timeoutMs = options.timeoutMs;
  }

  async review(user: UserInfo, attributes: ResourceAttributes): Promise<boolean> {
    const result = await withTimeout(
      this.api.createSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          spec: { user: user.username, uid: user.uid, groups: user.groups, extra: user.extra, resourceAttributes: attributes },
        },
      }),
      this.timeoutMs,
      'SubjectAccessReview',
    );
    return result.status?.allowed === true && result.status.denied !== true;
  }
}
