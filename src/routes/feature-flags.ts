import { Router } from 'express';
import { featureFlagsReadAttributes } from '../core/access-attributes.js';
import { effectiveFeatureFlags } from '../core/feature-flags.js';
import type { AccessReviewer } from '../kube/access-reviewer.js';
import type { FeatureFlagSource } from '../kube/cluster-cache.js';
import type { TokenReviewer } from '../kube/token-reviewer.js';
import type { Logger } from '../logger.js';
import { authenticate } from '../middleware/authenticate.js';
import { authorizeFixed } from '../middleware/authorize.js';
import { allowMethods } from '../middleware/method-gate.js';

export const FEATURE_FLAGS_PATH = '/connectors-operator/featureflags';

/** R3: every known flag merged with the ConfigMap; callers need get on connectorclasses. */
export function featureFlagsRouter(deps: { tokenReviewer: TokenReviewer; accessReviewer: AccessReviewer; flags: FeatureFlagSource; logger: Logger }): Router {
  const router = Router({ caseSensitive: true, strict: true });
  router.all(
    FEATURE_FLAGS_PATH,
    allowMethods(['GET', 'HEAD']),
    authenticate(deps.tokenReviewer, deps.logger),
    authorizeFixed(deps.accessReviewer, featureFlagsReadAttributes(), deps.logger),
    (_req, res) => {
      res.json(effectiveFeatureFlags(deps.flags.flagData()));
    },
  );
  return router;
}
