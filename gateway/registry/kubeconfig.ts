/**
 * Reads kubeconfig contexts into cluster credentials plus fleet metadata. Parsed here with
 * `yaml` rather than client-node, which drops the `extensions` that carry a context's site
 * and labels. File references are inlined, and only when the kubeconfig came from a file.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { FLEETGRAPH_EXTENSION } from '../../sim/kubeconfig.js';
import { ErrorCode } from '../vocabulary.js';
import { isFleetError, kubeconfigInvalid, validationFailed } from '../errors.js';
import type { ClusterCredentials } from './types.js';
import { parseClusterCredentials, parseLabels, parseSite } from './validation.js';

/** A kubeconfig to read. */
export interface KubeconfigSource {
  /** The kubeconfig text. */
  yaml: string;
  /**
   * Path of the kubeconfig file. File references (`certificate-authority`, `client-certificate`,
   * `client-key`, `tokenFile`) resolve against its directory; without a path they are
   * rejected, so API input cannot make the gateway read its own files. Set it only from
   * trusted callers (CLI, start-up config), never from API input.
   */
  path?: string;
}

/** One context of a kubeconfig, resolved. */
export interface KubeconfigContext {
  /** Context name. */
  context: string;
  /** Name of its `clusters[]` entry. */
  cluster: string;
  /** Name of its `users[]` entry. */
  user: string;
  /** Everything needed to connect, with files inlined. */
  credentials: ClusterCredentials;
  /** Site from the fleetgraph extension. */
  site?: string;
  /** Labels from the fleetgraph extension. */
  labels?: Record<string, string>;
  /** Default namespace of the context. */
  namespace?: string;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The context names of a kubeconfig, in order. */
export function listKubeconfigContexts(source: KubeconfigSource): string[] {
  return [...namedEntries(parseRoot(source.yaml), 'contexts').keys()];
}

/**
 * Resolves the named contexts (default: all, in file order) to credentials and metadata,
 * leaving out those `skip` accepts (which may leave none: not an error). Names are checked
 * before anything is skipped. KUBECONFIG_INVALID for malformed YAML, unknown contexts and
 * missing or unreadable entries; VALIDATION_FAILED for an empty or repeated name list and bad
 * sites or labels in the fleetgraph extension.
 */
export async function readKubeconfigContexts(
  source: KubeconfigSource,
  contexts?: readonly string[],
  skip?: (context: string) => boolean,
): Promise<KubeconfigContext[]> {
  const root = parseRoot(source.yaml);
  const clusters = namedEntries(root, 'clusters');
  const users = namedEntries(root, 'users');
  const ctxs = namedEntries(root, 'contexts');
  if (ctxs.size === 0)
    throw kubeconfigInvalid('kubeconfig has no contexts; expected at least one in contexts[]');
  const named = contexts ?? [...ctxs.keys()];
  if (named.length === 0) {
    throw validationFailed(
      'no contexts were asked for; expected at least one context name, or none to import all',
    );
  }
  const seen = new Set<string>();
  for (const name of named) {
    if (!ctxs.has(name)) {
      throw kubeconfigInvalid(
        `context ${JSON.stringify(name)} is not in the kubeconfig; expected one of ${[...ctxs.keys()]
          .map((c) => JSON.stringify(c))
          .join(', ')}`,
        { context: name },
      );
    }
    if (seen.has(name)) {
      throw validationFailed(`context ${JSON.stringify(name)} is asked for twice; expected each once`, {
        context: name,
      });
    }
    seen.add(name);
  }
  const wanted = skip === undefined ? named : named.filter((name) => !skip(name));
  const baseDir = source.path === undefined ? undefined : dirname(resolve(source.path));
  const out: KubeconfigContext[] = [];
  for (const name of wanted) {
    out.push(await resolveContext(name, ctxs.get(name), clusters, users, baseDir));
  }
  return out;
}

function parseRoot(text: string): Obj {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const err = doc.errors[0];
  if (err !== undefined) {
    // The YAML library's message quotes source lines, which may hold tokens: report the
    // position and error kind only.
    const pos = err.linePos?.[0];
    const where = pos !== undefined ? ` at line ${pos.line}, column ${pos.col}` : '';
    throw kubeconfigInvalid(
      `kubeconfig is not valid YAML${where} (${err.code.toLowerCase().replace(/_/g, ' ')}); expected a kubeconfig document`,
      { yamlError: err.code, ...(pos !== undefined ? { line: pos.line, column: pos.col } : {}) },
    );
  }
  const root: unknown = doc.toJS({ maxAliasCount: 100 });
  if (!isObj(root)) {
    throw kubeconfigInvalid(
      `kubeconfig is ${root === null || root === undefined ? 'empty' : `a ${Array.isArray(root) ? 'list' : typeof root}`}; ` +
        'expected a mapping with clusters, users and contexts',
    );
  }
  const kind = root['kind'];
  if (kind !== undefined && kind !== null && kind !== 'Config') {
    throw kubeconfigInvalid(`kubeconfig has kind ${JSON.stringify(kind)}; expected "Config"`);
  }
  return root;
}

/** The `name`d entries of clusters/users/contexts, by name; rejects duplicates and nameless ones. */
function namedEntries(root: Obj, list: 'clusters' | 'users' | 'contexts'): Map<string, unknown> {
  const raw = root[list];
  const out = new Map<string, unknown>();
  if (raw === undefined || raw === null) return out;
  if (!Array.isArray(raw))
    throw kubeconfigInvalid(`kubeconfig ${list} is not a list; expected a list of named entries`);
  raw.forEach((entry: unknown, i) => {
    const name = isObj(entry) ? entry['name'] : undefined;
    if (typeof name !== 'string' || name === '') {
      throw kubeconfigInvalid(`kubeconfig ${list}[${i}] has no name; expected a non-empty name`, {
        entry: `${list}[${i}]`,
      });
    }
    if (out.has(name)) {
      throw kubeconfigInvalid(`kubeconfig ${list} has ${JSON.stringify(name)} twice; expected unique names`, {
        entry: `${list}/${name}`,
      });
    }
    out.set(
      name,
      isObj(entry)
        ? entry[list === 'clusters' ? 'cluster' : list === 'users' ? 'user' : 'context']
        : undefined,
    );
  });
  return out;
}

async function resolveContext(
  name: string,
  ctx: unknown,
  clusters: Map<string, unknown>,
  users: Map<string, unknown>,
  baseDir: string | undefined,
): Promise<KubeconfigContext> {
  const where = `context ${JSON.stringify(name)}`;
  if (!isObj(ctx))
    throw kubeconfigInvalid(`${where} has no context body; expected cluster and user`, { context: name });
  const clusterName = ctx['cluster'];
  if (typeof clusterName !== 'string' || clusterName === '') {
    throw kubeconfigInvalid(`${where} names no cluster; expected context.cluster naming a clusters[] entry`, {
      context: name,
    });
  }
  const cluster = clusters.get(clusterName);
  if (!isObj(cluster)) {
    throw kubeconfigInvalid(
      `${where} refers to cluster ${JSON.stringify(clusterName)}, which is not in the kubeconfig's clusters (or has no cluster body)`,
      { context: name, cluster: clusterName },
    );
  }
  const userName = ctx['user'];
  if (typeof userName !== 'string' || userName === '') {
    throw kubeconfigInvalid(`${where} names no user; expected context.user naming a users[] entry`, {
      context: name,
    });
  }
  const user = users.get(userName);
  if (!isObj(user)) {
    throw kubeconfigInvalid(
      `${where} refers to user ${JSON.stringify(userName)}, which is not in the kubeconfig's users (or has no user body)`,
      { context: name, user: userName },
    );
  }
  const files = new FileInliner(where, baseDir);
  const raw: Obj = {
    server: cluster['server'],
    caData:
      cluster['certificate-authority-data'] ??
      (await files.base64(cluster, 'certificate-authority', `cluster ${JSON.stringify(clusterName)}`)),
    insecureSkipTLSVerify: cluster['insecure-skip-tls-verify'],
    tlsServerName: cluster['tls-server-name'],
    proxyUrl: cluster['proxy-url'],
    ...(await userFields(user, `user ${JSON.stringify(userName)}`, files, where, name)),
  };
  let credentials: ClusterCredentials;
  try {
    credentials = parseClusterCredentials(raw, where);
  } catch (e) {
    // In a kubeconfig, bad credentials are a bad kubeconfig.
    if (isFleetError(e) && e.code === ErrorCode.VALIDATION_FAILED) {
      throw kubeconfigInvalid(kubeconfigFieldNames(e.message), { context: name, ...e.details });
    }
    throw e;
  }
  const out: KubeconfigContext = { context: name, cluster: clusterName, user: userName, credentials };
  const namespace = ctx['namespace'];
  if (typeof namespace === 'string' && namespace !== '') out.namespace = namespace;
  const ext = fleetgraphExtension(ctx, where, name);
  if (ext !== undefined) {
    const extWhere = `${where} (${FLEETGRAPH_EXTENSION} extension)`;
    if (ext['site'] !== undefined && ext['site'] !== null) out.site = parseSite(ext['site'], extWhere);
    if (ext['labels'] !== undefined && ext['labels'] !== null)
      out.labels = parseLabels(ext['labels'], extWhere);
  }
  return out;
}

/** Credential field names as a kubeconfig spells them, for messages about a kubeconfig. */
const KUBECONFIG_FIELD_NAMES: Record<string, string> = {
  caData: 'certificate-authority-data',
  insecureSkipTLSVerify: 'insecure-skip-tls-verify',
  tlsServerName: 'tls-server-name',
  proxyUrl: 'proxy-url',
  clientCertificateData: 'client-certificate-data',
  clientKeyData: 'client-key-data',
  authProvider: 'auth-provider',
  impersonateUser: 'as',
};

function kubeconfigFieldNames(message: string): string {
  return message.replace(
    /\b(caData|insecureSkipTLSVerify|tlsServerName|proxyUrl|clientCertificateData|clientKeyData|authProvider|impersonateUser)\b/g,
    (m) => KUBECONFIG_FIELD_NAMES[m] ?? m,
  );
}

/** Impersonation settings client-node cannot honour; refused instead of silently dropped. */
const UNSUPPORTED_USER_FIELDS = ['as-groups', 'as-uid', 'as-user-extra'];

async function userFields(
  user: Obj,
  entry: string,
  files: FileInliner,
  where: string,
  name: string,
): Promise<Obj> {
  for (const field of UNSUPPORTED_USER_FIELDS) {
    if (user[field] !== undefined && user[field] !== null) {
      throw kubeconfigInvalid(
        `${where}: ${entry} sets ${field}, which fleetgraph's Kubernetes client does not support; expected only "as" for impersonation`,
        { context: name, field },
      );
    }
  }
  const token =
    user['token'] ??
    (await files.text(user, 'tokenFile', entry)) ??
    (await files.text(user, 'token-file', entry));
  const authProvider = user['auth-provider'];
  return {
    token: typeof token === 'string' ? token.trim() : token,
    clientCertificateData:
      user['client-certificate-data'] ?? (await files.base64(user, 'client-certificate', entry)),
    clientKeyData: user['client-key-data'] ?? (await files.base64(user, 'client-key', entry)),
    username: user['username'],
    password: user['password'],
    impersonateUser: user['as'],
    exec: user['exec'],
    authProvider,
  };
}

function fleetgraphExtension(ctx: Obj, where: string, name: string): Obj | undefined {
  const exts = ctx['extensions'];
  if (exts === undefined || exts === null) return undefined;
  if (!Array.isArray(exts)) {
    throw kubeconfigInvalid(
      `${where} has extensions that are not a list; expected a list of {name, extension}`,
      {
        context: name,
      },
    );
  }
  const ext: unknown = exts.find((e: unknown) => isObj(e) && e['name'] === FLEETGRAPH_EXTENSION);
  if (ext === undefined) return undefined;
  const body = isObj(ext) ? ext['extension'] : undefined;
  if (!isObj(body)) {
    throw kubeconfigInvalid(
      `${where} has a ${FLEETGRAPH_EXTENSION} extension without an object body; expected extension: {site, labels}`,
      { context: name },
    );
  }
  return body;
}

/** Reads files a kubeconfig refers to, relative to its directory, or refuses without one. */
class FileInliner {
  constructor(
    private readonly where: string,
    private readonly baseDir: string | undefined,
  ) {}

  async base64(obj: Obj, field: string, entry: string): Promise<string | undefined> {
    const data = await this.read(obj, field, entry);
    return data?.toString('base64');
  }

  async text(obj: Obj, field: string, entry: string): Promise<string | undefined> {
    const data = await this.read(obj, field, entry);
    return data?.toString('utf8');
  }

  private async read(obj: Obj, field: string, entry: string): Promise<Buffer | undefined> {
    const ref = obj[field];
    if (ref === undefined || ref === null || ref === '') return undefined;
    if (typeof ref !== 'string') {
      throw kubeconfigInvalid(
        `${this.where}: ${entry} has a ${field} that is not a string; expected a file path`,
        {
          field,
        },
      );
    }
    if (this.baseDir === undefined) {
      const inline = field === 'tokenFile' || field === 'token-file' ? 'token' : `${field}-data`;
      throw kubeconfigInvalid(
        `${this.where}: ${entry} refers to file ${field}: ${JSON.stringify(ref)}, but the kubeconfig was given as ` +
          `text; expected the data inline in ${inline}, or the kubeconfig imported from a file path`,
        { field, file: ref },
      );
    }
    const path = resolve(this.baseDir, ref);
    try {
      return await readFile(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'error';
      throw kubeconfigInvalid(
        `${this.where}: ${entry} refers to file ${field}: ${JSON.stringify(path)}, which cannot be read (${code}); ` +
          'expected a readable file',
        { field, file: path },
      );
    }
  }
}
