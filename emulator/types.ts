/** A Kubernetes object as JSON: TypeMeta, ObjectMeta and whatever else the kind carries. */
export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [k: string]: unknown };
  [k: string]: unknown;
};

/** One line of a kube-apiserver --token-auth-file, or an entry of EmulatorOptions.staticTokens. */
export interface StaticToken {
  token: string;
  user: string;
  uid?: string;
  groups?: string[];
}

/** Authenticated identity, shaped like authentication.k8s.io/v1 UserInfo. */
export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** In-memory object store; every mutation is a watch event, exactly like an HTTP write. */
export interface ObjectStore {
  /** Sets uid, resourceVersion, creationTimestamp, generation; folds Secret stringData into data; throws 409 AlreadyExists. */
  create(obj: KubeObject): KubeObject;
  /** Replaces an existing object (409 Conflict on a stale metadata.resourceVersion), bumps resourceVersion, emits MODIFIED. */
  update(obj: KubeObject): KubeObject;
  /** create, or update when the object exists. */
  upsert(obj: KubeObject): KubeObject;
  /** Removes the object and emits DELETED; throws 404 NotFound. */
  delete(apiVersion: string, kind: string, namespace: string | undefined, name: string): void;
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
  /** Objects of that kind, in one namespace when given, sorted by namespace then name. */
  list(apiVersion: string, kind: string, namespace?: string): KubeObject[];
}
