/**
 * Credentials of one cluster connection, and the private KubeConfig each connection builds
 * from them. @kubernetes/client-node caches exec/auth-provider credentials by kubeconfig
 * *user name*, and every k3s kubeconfig calls its cluster, user and context `default`; so
 * each connection gets its own KubeConfig whose names are unique in the process.
 */
import { readFileSync } from 'node:fs';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';

/** A kubeconfig `exec` credential plugin, as kubeconfig spells it. */
export interface ConnectionExecConfig {
  /** client.authentication.k8s.io/v1 or v1beta1. */
  apiVersion?: string | undefined;
  command: string;
  args?: readonly string[] | undefined;
  env?: readonly { name: string; value: string }[] | undefined;
  interactiveMode?: string | undefined;
  provideClusterInfo?: boolean | undefined;
  installHint?: string | undefined;
}

/**
 * How to reach and authenticate to one cluster (a kubeconfig cluster plus user entry;
 * base64 `*Data` fields as in kubeconfig). Structurally compatible with the registry's
 * ClusterCredentials.
 */
export interface ConnectionCredentials {
  /** API server URL, e.g. https://10.0.0.1:6443. */
  server: string;
  /** Base64 PEM CA bundle. */
  caData?: string | undefined;
  /** Skip server certificate verification. */
  insecureSkipTLSVerify?: boolean | undefined;
  /** Server name for SNI and the certificate check. */
  tlsServerName?: string | undefined;
  /** HTTP(S) or SOCKS proxy; proxied clusters use client-node's proxy agent (no keep-alive). */
  proxyUrl?: string | undefined;
  /** Bearer token. */
  token?: string | undefined;
  /** Base64 PEM client certificate. */
  clientCertificateData?: string | undefined;
  /** Base64 PEM client key. */
  clientKeyData?: string | undefined;
  /** Exec credential plugin. */
  exec?: ConnectionExecConfig | undefined;
  /** Legacy auth provider (oidc, ...). */
  authProvider?: { name: string; config?: Readonly<Record<string, string>> | undefined } | undefined;
  /** Basic auth user. */
  username?: string | undefined;
  /** Basic auth password. */
  password?: string | undefined;
  /** User to impersonate (kubeconfig `as`). */
  impersonateUser?: string | undefined;
}

let kubeConfigSerial = 0;

/**
 * A KubeConfig holding exactly one cluster, user and context, all named
 * `fleetgraph-<cluster>-<serial>` so no two connections ever share an authenticator cache entry.
 */
export function kubeConfigFor(clusterName: string, creds: ConnectionCredentials): KubeConfig {
  kubeConfigSerial += 1;
  const name = `fleetgraph-${clusterName}-${kubeConfigSerial}`;
  const cluster: Cluster = {
    name,
    server: creds.server.replace(/\/+$/, ''),
    skipTLSVerify: creds.insecureSkipTLSVerify === true,
    ...(creds.caData ? { caData: creds.caData } : {}),
    ...(creds.tlsServerName ? { tlsServerName: creds.tlsServerName } : {}),
    ...(creds.proxyUrl ? { proxyUrl: creds.proxyUrl } : {}),
  };
  const user: User = {
    name,
    ...(creds.token ? { token: creds.token } : {}),
    ...(creds.clientCertificateData ? { certData: creds.clientCertificateData } : {}),
    ...(creds.clientKeyData ? { keyData: creds.clientKeyData } : {}),
    ...(creds.exec ? { exec: { ...creds.exec } } : {}),
    ...(creds.authProvider ? { authProvider: { ...creds.authProvider } } : {}),
    ...(creds.username !== undefined ? { username: creds.username, password: creds.password ?? '' } : {}),
    ...(creds.impersonateUser ? { impersonateUser: creds.impersonateUser } : {}),
  };
  const context: Context = { name, cluster: name, user: name };
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: [cluster], users: [user], contexts: [context], currentContext: name });
  return kc;
}

/** True when the credentials call out to something (exec plugin, auth provider) per token. */
export function hasDynamicCredentials(creds: ConnectionCredentials): boolean {
  return creds.exec !== undefined || creds.authProvider !== undefined;
}

/**
 * Reads one context of a kubeconfig (YAML or JSON text) into ConnectionCredentials, inlining
 * file references. Throws an Error naming the context when it or its cluster/user is missing.
 * For many contexts of one kubeconfig use credentialsByContext, which parses once.
 * @param context defaults to the kubeconfig's current-context.
 */
export function credentialsFromKubeconfig(text: string, context?: string): ConnectionCredentials {
  const kc = new KubeConfig();
  kc.loadFromString(text);
  return credentialsOf(kc, context ?? kc.getCurrentContext());
}

/** Every context of a kubeconfig, parsed once, by context name. */
export function credentialsByContext(text: string): Map<string, ConnectionCredentials> {
  const kc = new KubeConfig();
  kc.loadFromString(text);
  return new Map(kc.getContexts().map((ctx) => [ctx.name, credentialsOf(kc, ctx.name)]));
}

function credentialsOf(kc: KubeConfig, ctxName: string): ConnectionCredentials {
  const ctx = kc.getContextObject(ctxName);
  if (!ctx) throw new Error(`kubeconfig has no context ${JSON.stringify(ctxName)}`);
  const cluster = kc.getCluster(ctx.cluster);
  if (!cluster) throw new Error(`kubeconfig context ${JSON.stringify(ctxName)} names a missing cluster`);
  const user = kc.getUser(ctx.user);
  if (!user) throw new Error(`kubeconfig context ${JSON.stringify(ctxName)} names a missing user`);
  const fileData = (file: string | undefined | null, data: string | undefined | null): string | undefined =>
    data ? data : file ? readFileSync(file).toString('base64') : undefined;
  const creds: ConnectionCredentials = { server: cluster.server };
  const caData = fileData(cluster.caFile, cluster.caData);
  if (caData) creds.caData = caData;
  if (cluster.skipTLSVerify) creds.insecureSkipTLSVerify = true;
  if (cluster.tlsServerName) creds.tlsServerName = cluster.tlsServerName;
  if (cluster.proxyUrl) creds.proxyUrl = cluster.proxyUrl;
  if (user.token) creds.token = user.token;
  const cert = fileData(user.certFile, user.certData);
  if (cert) creds.clientCertificateData = cert;
  const key = fileData(user.keyFile, user.keyData);
  if (key) creds.clientKeyData = key;
  if (isExecConfig(user.exec)) creds.exec = user.exec;
  if (isAuthProvider(user.authProvider)) creds.authProvider = user.authProvider;
  if (user.username) {
    creds.username = user.username;
    creds.password = user.password ?? '';
  }
  if (user.impersonateUser) creds.impersonateUser = user.impersonateUser;
  // The parser's strings are slices of its copy of the whole text: copy them, or every
  // credential keeps the full kubeconfig alive (1.2 GB for 1,000 contexts, measured).
  return structuredClone(creds);
}

function isExecConfig(v: unknown): v is ConnectionExecConfig {
  return typeof v === 'object' && v !== null && typeof (v as { command?: unknown }).command === 'string';
}

function isAuthProvider(v: unknown): v is { name: string; config?: Record<string, string> } {
  return typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string';
}
