/**
 * The fields of the Kubernetes objects this service reads, and nothing more. Shapes follow the CRDs of
 * connectors.alauda.io/v1alpha1 (spec §9) and core/v1.
 */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  resourceVersion?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface ObjectReference {
  kind?: string;
  name?: string;
  namespace?: string;
  apiVersion?: string;
}

export interface Connector {
  metadata: ObjectMeta;
  spec?: {
    connectorClassName?: string;
    address?: string;
    addressExtensions?: { name: string; value: string }[];
    auth?: { name?: string; secretRef?: ObjectReference; params?: { name: string; value: string }[] };
    caCertSecretRef?: { name?: string };
  };
}

export interface ConnectorClass {
  metadata: ObjectMeta;
  spec?: {
    api?: {
      ref?: ObjectReference & { group?: string; address?: string };
      uri?: string;
      openapi?: unknown;
    };
  };
  status?: {
    api?: { address?: { url?: string } };
  };
}

export interface ServicePort {
  name?: string;
  port: number;
}

export interface Service {
  metadata: ObjectMeta;
  spec?: { ports?: ServicePort[] };
}

export interface Secret {
  metadata: ObjectMeta;
  type?: string;
  /** Values are base64, exactly as the API serves them. */
  data?: Record<string, string>;
}

export interface ConfigMap {
  metadata: ObjectMeta;
  data?: Record<string, string>;
}

/** What a TokenReview says about the caller. */
export interface UserInfo {
  username: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

/** authorization.k8s.io/v1 ResourceAttributes, the fields we set. */
export interface ResourceAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}
