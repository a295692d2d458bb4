/**
 * Credentials of one cluster connection, and the private KubeConfig each connection builds
 * from them. @kubernetes/client-node caches exec/auth-provider credentials by kubeconfig
 * *user name*, and every k3s kubeconfig calls its cluster, user and context `default`; so
 * each connection gets its own KubeConfig whose names are unique in the process.
 */
import { readFileSync } from 'node:fs';
import { KubeConfig, type Cluster, type Context, type User } from '#client-node';
import type { ClusterCredentials, ExecConfig } from '../registry/types.js';

/** A kubeconfig `exec` credential plugin: the registry's definition. */
export type ConnectionExecConfig = ExecConfig;

/** What a connection needs to reach a cluster: the registry's credentials, one definition. */
export type ConnectionCredentials = ClusterCredentials;

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
  // kubeconfig requires both; kubectl refuses an exec entry without apiVersion.
  if (typeof v !== 'object' || v === null) return false;
  const e = v as { command?: unknown; apiVersion?: unknown };
  return typeof e.command === 'string' && typeof e.apiVersion === 'string';
}

function isAuthProvider(v: unknown): v is { name: string; config?: Record<string, string> } {
  return typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string';
}
