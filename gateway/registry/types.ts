/**
 * The cluster registry's vocabulary: credentials as a kubeconfig carries them, registered
 * clusters as the API shows them (never with credentials), and the change events the
 * connection layer follows.
 */
import type { ClusterSource } from '../store/types.js';

export type { ClusterSource } from '../store/types.js';

/** One environment variable of an exec credential plugin. */
export interface ExecEnvVar {
  name: string;
  value: string;
}

/** A kubeconfig `exec` credential plugin (client.authentication.k8s.io). */
export interface ExecConfig {
  /** client.authentication.k8s.io/v1 or v1beta1. */
  apiVersion: string;
  command: string;
  args?: string[];
  /** Extra environment; values are secrets (redacted in audit). */
  env?: ExecEnvVar[];
  /** Never, IfAvailable or Always; the gateway runs plugins without a terminal. */
  interactiveMode?: string;
  /** Whether the plugin gets the cluster's details in KUBERNETES_EXEC_INFO. */
  provideClusterInfo?: boolean;
  /** Shown when the command is missing. */
  installHint?: string;
}

/** A kubeconfig `auth-provider` (legacy; oidc and friends). Config values are secrets. */
export interface AuthProviderConfig {
  name: string;
  config?: Record<string, string>;
}

/**
 * How to reach and authenticate to one cluster: the union of a kubeconfig cluster and user
 * entry, limited to what @kubernetes/client-node 1.4 can use. File references are always
 * inlined (`*Data` fields, base64 as in kubeconfig).
 */
export interface ClusterCredentials {
  /** API server URL, e.g. https://10.0.0.1:6443 (no trailing slash). */
  server: string;
  /** Base64 PEM of the CA bundle (kubeconfig `certificate-authority-data`). */
  caData?: string;
  /** Skip server certificate verification (kubeconfig `insecure-skip-tls-verify`). */
  insecureSkipTLSVerify?: boolean;
  /** Server name for SNI and certificate checks (kubeconfig `tls-server-name`). */
  tlsServerName?: string;
  /** HTTP(S) or SOCKS proxy (kubeconfig `proxy-url`). */
  proxyUrl?: string;
  /** Bearer token. */
  token?: string;
  /** Base64 PEM client certificate (kubeconfig `client-certificate-data`). */
  clientCertificateData?: string;
  /** Base64 PEM client key (kubeconfig `client-key-data`). */
  clientKeyData?: string;
  /** Exec credential plugin. */
  exec?: ExecConfig;
  /** Legacy auth provider. */
  authProvider?: AuthProviderConfig;
  /** Basic auth user. */
  username?: string;
  /** Basic auth password. */
  password?: string;
  /** User to impersonate (kubeconfig `as`). */
  impersonateUser?: string;
}

/** A cluster as the registry shows it; never carries credentials. */
export interface RegisteredCluster {
  name: string;
  site: string;
  labels: Record<string, string>;
  /** API server URL (not secret). */
  server: string;
  source: ClusterSource;
  createdAt: Date;
  updatedAt: Date;
  /** Increases with every update; pass it as expectedVersion for optimistic concurrency. */
  version: number;
}

/** A registry change, delivered after it is committed. */
export type RegistryEvent =
  | { type: 'registered'; cluster: RegisteredCluster }
  | {
      type: 'updated';
      cluster: RegisteredCluster;
      previous: RegisteredCluster;
      /** True when credentials changed: the connection must be rebuilt. */
      credentialsChanged: boolean;
    }
  | { type: 'unregistered'; cluster: RegisteredCluster };

/** Receives registry events; exceptions are logged, not propagated to the mutation. */
export type RegistryListener = (event: RegistryEvent) => void;
