/**
 * Validation of registry input: cluster names, sites, labels and credentials, parsed into
 * typed values once at the registry's edge. Messages quote the value received and say what is
 * expected, except for secrets, of which they give only the length.
 */
import { validationFailed } from '../errors.js';
import { isDNS1123Label, isQualifiedName, isValidLabelValue } from '../../sim/kinds/names.js';
import { parseLabelSelector, type LabelSelector } from '../../sim/selectors.js';
import type { AuthProviderConfig, ClusterCredentials, ExecConfig, ExecEnvVar } from './types.js';

/** Exec plugin API versions client-node understands. */
export const EXEC_API_VERSIONS = [
  'client.authentication.k8s.io/v1',
  'client.authentication.k8s.io/v1beta1',
  'client.authentication.k8s.io/v1alpha1',
] as const;

const DNS_LABEL_EXPECTED =
  "expected a DNS-1123 label: at most 63 lowercase letters, digits or '-', starting and ending with a letter or digit (e.g. 'dc-1')";

/** Prefix for messages, e.g. `context "prod": `. */
function at(where: string | undefined): string {
  return where === undefined || where === '' ? '' : `${where}: `;
}

/** A cluster name: a DNS-1123 label. */
export function parseClusterName(value: unknown, where?: string): string {
  if (typeof value !== 'string' || isDNS1123Label(value).length > 0) {
    throw validationFailed(
      `${at(where)}cluster name ${JSON.stringify(value)} is invalid; ${DNS_LABEL_EXPECTED}`,
      {
        field: 'name',
        value,
      },
    );
  }
  return value;
}

/** A site: same rules as a cluster name. */
export function parseSite(value: unknown, where?: string): string {
  if (typeof value !== 'string' || isDNS1123Label(value).length > 0) {
    throw validationFailed(`${at(where)}site ${JSON.stringify(value)} is invalid; ${DNS_LABEL_EXPECTED}`, {
      field: 'site',
      value,
    });
  }
  return value;
}

/** Cluster labels: an object of Kubernetes label keys to label values. */
export function parseLabels(value: unknown, where?: string): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw validationFailed(
      `${at(where)}labels ${JSON.stringify(value)} are invalid; expected an object of label keys to string values`,
      { field: 'labels', value },
    );
  }
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    const keyErrors = isQualifiedName(key);
    if (keyErrors.length > 0) {
      throw validationFailed(
        `${at(where)}label key ${JSON.stringify(key)} is invalid; expected a Kubernetes label key: an optional ` +
          `DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' or '.', starting and ending ` +
          `with a letter or digit (e.g. 'tier' or 'example.com/tier') (${keyErrors.join('; ')})`,
        { field: 'labels', key },
      );
    }
    if (typeof v !== 'string' || isValidLabelValue(v).length > 0) {
      throw validationFailed(
        `${at(where)}label ${JSON.stringify(key)} has invalid value ${JSON.stringify(v)}; expected a string of at ` +
          `most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit, or empty`,
        { field: 'labels', key, value: v },
      );
    }
    out[key] = v;
  }
  return out;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** True when every character is printable and not whitespace (what an HTTP header value allows). */
function isPrintableNonSpace(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f || /\s/.test(s.charAt(i))) return false;
  }
  return true;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function optionalString(obj: Record<string, unknown>, key: string, where: string): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') {
    throw validationFailed(`${at(where)}${key} must be a string; received ${typeof v}`, { field: key });
  }
  return v;
}

/** Non-secret strings are quoted; secret ones are described by length only. */
function base64Field(obj: Record<string, unknown>, key: string, where: string): string | undefined {
  const v = optionalString(obj, key, where);
  if (v === undefined) return undefined;
  const compact = v.replace(/\s+/g, '');
  if (compact === '' || !BASE64.test(compact) || compact.length % 4 === 1) {
    throw validationFailed(
      `${at(where)}${key} is not base64 (${v.length} characters received); expected base64 of a PEM block, ` +
        `as in a kubeconfig's *-data fields`,
      { field: key, length: v.length },
    );
  }
  return compact;
}

function parseUrl(value: string, field: string, schemes: readonly string[], where: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || !schemes.includes(url.protocol) || url.hostname === '') {
    throw validationFailed(
      `${at(where)}${field} ${JSON.stringify(value)} is invalid; expected an absolute URL with scheme ` +
        `${schemes.map((s) => s.replace(/:$/, '')).join(' or ')} and a host (e.g. 'https://10.0.0.1:6443')`,
      { field, value },
    );
  }
  return value.replace(/\/+$/, '');
}

function parseExec(value: unknown, where: string): ExecConfig {
  if (!isRecord(value)) {
    throw validationFailed(`${at(where)}exec must be an object with apiVersion and command`, {
      field: 'exec',
    });
  }
  const apiVersion = optionalString(value, 'apiVersion', where);
  if (apiVersion === undefined || !(EXEC_API_VERSIONS as readonly string[]).includes(apiVersion)) {
    throw validationFailed(
      `${at(where)}exec.apiVersion ${JSON.stringify(apiVersion)} is not supported; expected one of ${EXEC_API_VERSIONS.join(', ')}`,
      { field: 'exec.apiVersion', value: apiVersion },
    );
  }
  const command = optionalString(value, 'command', where);
  if (command === undefined || command.trim() === '') {
    throw validationFailed(
      `${at(where)}exec.command ${JSON.stringify(command)} is invalid; expected a command`,
      {
        field: 'exec.command',
      },
    );
  }
  const exec: ExecConfig = { apiVersion, command };
  const args = value['args'];
  if (args !== undefined && args !== null) {
    if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) {
      throw validationFailed(`${at(where)}exec.args must be a list of strings`, { field: 'exec.args' });
    }
    exec.args = [...args];
  }
  const env = value['env'];
  if (env !== undefined && env !== null) {
    if (!Array.isArray(env)) {
      throw validationFailed(`${at(where)}exec.env must be a list of {name, value}`, { field: 'exec.env' });
    }
    exec.env = env.map((e, i): ExecEnvVar => {
      if (
        !isRecord(e) ||
        typeof e['name'] !== 'string' ||
        e['name'] === '' ||
        typeof e['value'] !== 'string'
      ) {
        throw validationFailed(
          `${at(where)}exec.env[${i}] must be {name, value} with a non-empty string name and a string value`,
          { field: `exec.env[${i}]` },
        );
      }
      return { name: e['name'], value: e['value'] };
    });
  }
  const interactiveMode = optionalString(value, 'interactiveMode', where);
  if (interactiveMode !== undefined) {
    if (!['Never', 'IfAvailable', 'Always'].includes(interactiveMode)) {
      throw validationFailed(
        `${at(where)}exec.interactiveMode ${JSON.stringify(interactiveMode)} is invalid; expected Never, IfAvailable or Always`,
        { field: 'exec.interactiveMode', value: interactiveMode },
      );
    }
    exec.interactiveMode = interactiveMode;
  }
  const provide = value['provideClusterInfo'];
  if (provide !== undefined && provide !== null) {
    if (typeof provide !== 'boolean') {
      throw validationFailed(`${at(where)}exec.provideClusterInfo must be a boolean`, {
        field: 'exec.provideClusterInfo',
      });
    }
    exec.provideClusterInfo = provide;
  }
  const installHint = optionalString(value, 'installHint', where);
  if (installHint !== undefined) exec.installHint = installHint;
  return exec;
}

function parseAuthProvider(value: unknown, where: string): AuthProviderConfig {
  if (!isRecord(value) || typeof value['name'] !== 'string' || value['name'] === '') {
    throw validationFailed(`${at(where)}authProvider must be an object with a name`, {
      field: 'authProvider',
    });
  }
  const provider: AuthProviderConfig = { name: value['name'] };
  const config = value['config'];
  if (config !== undefined && config !== null) {
    if (!isRecord(config) || !Object.values(config).every((v) => typeof v === 'string')) {
      throw validationFailed(`${at(where)}authProvider.config must be an object of strings`, {
        field: 'authProvider.config',
      });
    }
    provider.config = Object.fromEntries(Object.entries(config).map(([k, v]) => [k, String(v)]));
  }
  return provider;
}

/**
 * Credentials from untrusted input: unknown fields dropped, data fields checked as base64,
 * URLs parsed, and the combinations kubectl rejects rejected.
 */
export function parseClusterCredentials(value: unknown, where = ''): ClusterCredentials {
  if (!isRecord(value)) {
    throw validationFailed(`${at(where)}credentials must be an object with at least a server URL`, {
      field: 'credentials',
    });
  }
  const server = optionalString(value, 'server', where);
  if (server === undefined || server === '') {
    throw validationFailed(`${at(where)}credentials.server is missing; expected the API server URL`, {
      field: 'server',
    });
  }
  const creds: ClusterCredentials = { server: parseUrl(server, 'server', ['https:', 'http:'], where) };

  const caData = base64Field(value, 'caData', where);
  if (caData !== undefined) creds.caData = caData;
  const skip = value['insecureSkipTLSVerify'];
  if (skip !== undefined && skip !== null) {
    if (typeof skip !== 'boolean') {
      throw validationFailed(
        `${at(where)}insecureSkipTLSVerify must be a boolean; received ${JSON.stringify(skip)}`,
        {
          field: 'insecureSkipTLSVerify',
        },
      );
    }
    if (skip) creds.insecureSkipTLSVerify = true;
  }
  if (creds.insecureSkipTLSVerify === true && creds.caData !== undefined) {
    throw validationFailed(
      `${at(where)}caData and insecureSkipTLSVerify are both set; expected one (as kubectl: specifying a root ` +
        `certificate with the insecure flag is not allowed)`,
      { field: 'insecureSkipTLSVerify' },
    );
  }
  const tlsServerName = optionalString(value, 'tlsServerName', where);
  if (tlsServerName !== undefined && tlsServerName !== '') creds.tlsServerName = tlsServerName;
  const proxyUrl = optionalString(value, 'proxyUrl', where);
  if (proxyUrl !== undefined && proxyUrl !== '') {
    creds.proxyUrl = parseUrl(
      proxyUrl,
      'proxyUrl',
      ['http:', 'https:', 'socks5:', 'socks5h:', 'socks:'],
      where,
    );
  }

  const token = optionalString(value, 'token', where);
  if (token !== undefined) {
    if (token === '' || !isPrintableNonSpace(token)) {
      throw validationFailed(
        `${at(where)}token is empty or contains whitespace or control characters (${token.length} characters ` +
          `received); expected a bearer token`,
        { field: 'token', length: token.length },
      );
    }
    creds.token = token;
  }
  const cert = base64Field(value, 'clientCertificateData', where);
  const key = base64Field(value, 'clientKeyData', where);
  if ((cert === undefined) !== (key === undefined)) {
    throw validationFailed(
      `${at(where)}${cert === undefined ? 'clientKeyData' : 'clientCertificateData'} is set without ` +
        `${cert === undefined ? 'clientCertificateData' : 'clientKeyData'}; expected both or neither`,
      { field: cert === undefined ? 'clientCertificateData' : 'clientKeyData' },
    );
  }
  if (cert !== undefined && key !== undefined) {
    creds.clientCertificateData = cert;
    creds.clientKeyData = key;
  }
  if (value['exec'] !== undefined && value['exec'] !== null) creds.exec = parseExec(value['exec'], where);
  if (value['authProvider'] !== undefined && value['authProvider'] !== null) {
    creds.authProvider = parseAuthProvider(value['authProvider'], where);
  }
  const username = optionalString(value, 'username', where);
  const password = optionalString(value, 'password', where);
  if (password !== undefined && (username === undefined || username === '')) {
    throw validationFailed(`${at(where)}password is set without username; expected both or neither`, {
      field: 'password',
    });
  }
  if (username !== undefined && username !== '') creds.username = username;
  if (password !== undefined) creds.password = password;
  const impersonateUser = optionalString(value, 'impersonateUser', where);
  if (impersonateUser !== undefined && impersonateUser !== '') creds.impersonateUser = impersonateUser;
  return creds;
}

/** Parses a cluster label selector (Kubernetes syntax); VALIDATION_FAILED quoting it when invalid. */
export function parseClusterLabelSelector(selector: string): LabelSelector {
  try {
    return parseLabelSelector(selector);
  } catch (e) {
    throw validationFailed(
      `cluster label selector ${JSON.stringify(selector)} is invalid (${e instanceof Error ? e.message : String(e)}); ` +
        "expected Kubernetes label selector syntax, e.g. 'tier=edge,env in (prod,staging)'",
      { field: 'clusterLabelSelector', value: selector },
    );
  }
}
