import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { z, ZodError } from 'zod';
import type { SimCluster } from './cluster.js';
import type { SimFleet } from './fleet.js';
import { isLoopback, readBody } from './http-util.js';

/** An admin API failure: HTTP status plus a stable code. */
class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const conditionSchema = z
  .object({
    type: z.enum(['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable']),
    status: z.enum(['True', 'False', 'Unknown']),
    reason: z.string().optional(),
    message: z.string().optional(),
  })
  .strict();
const heartbeatSchema = z.object({ running: z.boolean() }).strict();
const cordonSchema = z.object({ cordoned: z.boolean() }).strict();
const platformSchema = z
  .string()
  .regex(/^[a-z0-9]+\/[a-z0-9]+(\/[a-z0-9]+)?$/, 'platform like linux/arm64 or linux/arm/v7');
const imageSchema = z.object({ name: z.string().min(1), platforms: z.array(platformSchema).min(1) }).strict();
const addNodeSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'a lowercase RFC 1123 name'),
    architecture: z.enum(['amd64', 'arm64', 'arm']),
    role: z.enum(['control-plane', 'worker']).default('worker'),
    cpu: z.string().default('4'),
    memory: z.string().default('8Gi'),
    pods: z.string().default('110'),
    labels: z.record(z.string(), z.string()).optional(),
  })
  .strict();

/** Options of the admin API. */
export interface AdminOptions {
  /** When set, every request must carry `Authorization: Bearer <token>`. */
  token?: string;
  /** Path prefix the API lives under. @default '/_sim' */
  prefix?: string;
}

/**
 * The simulator's admin API: faults, node conditions, wipes, image catalogue edits and
 * request logs, over plain JSON. Mountable in any HTTP server (the gateway's demo mode does).
 * Returns false when the path is not under the prefix, so the caller can route it elsewhere.
 */
export function createAdminHandler(
  fleet: SimFleet,
  options: AdminOptions = {},
): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const prefix = options.prefix ?? '/_sim';
  const expected = options.token ? Buffer.from(`Bearer ${options.token}`) : undefined;
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://admin.invalid');
    if (url.pathname !== prefix && !url.pathname.startsWith(`${prefix}/`)) return false;
    try {
      if (expected) {
        const got = Buffer.from(req.headers.authorization ?? '');
        if (got.length !== expected.length || !timingSafeEqual(got, expected))
          throw new AdminError(
            401,
            'UNAUTHENTICATED',
            'the admin API needs Authorization: Bearer <admin token>',
          );
      }
      const parts = url.pathname.slice(prefix.length).split('/').filter(Boolean).map(decodeURIComponent);
      const out = await dispatch(fleet, req, url, parts);
      send(res, out.status ?? 200, out.body);
    } catch (e) {
      if (e instanceof AdminError) send(res, e.status, { error: { code: e.code, message: e.message } });
      else if (e instanceof ZodError)
        send(res, 400, {
          error: {
            code: 'VALIDATION_FAILED',
            message: e.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
          },
        });
      else send(res, 500, { error: { code: 'INTERNAL', message: (e as Error).message } });
    }
    return true;
  };
}

async function jsonBody(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AdminError(400, 'VALIDATION_FAILED', `body is not JSON: ${(e as Error).message}`);
  }
}

function clusterOf(fleet: SimFleet, name: string | undefined): SimCluster {
  const c = name === undefined ? undefined : fleet.find(name);
  if (!c) throw new AdminError(404, 'NOT_FOUND', `no simulated cluster named ${JSON.stringify(name)}`);
  return c;
}

function clusterView(c: SimCluster) {
  return {
    name: c.name,
    server: c.server,
    site: c.spec.site,
    architectures: c.architectures(),
    labels: c.spec.labels,
    faults: c.faults,
  };
}

function nodeExists(c: SimCluster, node: string): void {
  if (!c.store.get('/nodes', undefined, node))
    throw new AdminError(404, 'NOT_FOUND', `cluster ${c.name} has no node named ${JSON.stringify(node)}`);
}

async function dispatch(
  fleet: SimFleet,
  req: IncomingMessage,
  url: URL,
  parts: string[],
): Promise<{ status?: number; body: unknown }> {
  const method = req.method ?? 'GET';
  const [a, name, b, node, c] = parts;
  if (parts.length === 0 && method === 'GET')
    return { body: { clusters: fleet.info(), images: fleet.images.list() } };
  if (a === 'images') {
    if (parts.length === 1 && method === 'GET') return { body: { images: fleet.images.list() } };
    if (parts.length === 1 && method === 'POST') {
      const img = imageSchema.parse(await jsonBody(req));
      fleet.images.set(img.name, img.platforms);
      return { body: img };
    }
    if (parts.length === 2 && name !== undefined && method === 'PUT') {
      const img = imageSchema.parse({ name, ...((await jsonBody(req)) as object) });
      fleet.images.set(img.name, img.platforms);
      return { body: img };
    }
    if (parts.length === 2 && name !== undefined && method === 'DELETE') {
      if (!fleet.images.delete(name))
        throw new AdminError(404, 'NOT_FOUND', `no image named ${JSON.stringify(name)} in the catalogue`);
      return { body: { deleted: name } };
    }
  }
  if (a === 'clusters') {
    if (parts.length === 1 && method === 'GET')
      return { body: { clusters: fleet.clusters.map(clusterView) } };
    const cluster = clusterOf(fleet, name);
    if (parts.length === 2 && method === 'GET') return { body: clusterView(cluster) };
    if (b === 'faults' && parts.length === 3) {
      if (method === 'POST') return { body: { faults: await cluster.setFaults(await jsonBody(req)) } };
      if (method === 'DELETE')
        return { body: { faults: await cluster.setFaults({ reset: true, offline: null }) } };
    }
    if (b === 'wipe' && parts.length === 3 && method === 'POST') {
      cluster.wipe();
      return { body: { wiped: cluster.name } };
    }
    if (b === 'requests' && parts.length === 3) {
      if (method === 'GET') {
        const since = url.searchParams.get('since');
        const all = cluster.requests();
        return { body: { requests: since ? all.filter((r) => r.time >= since) : all } };
      }
      if (method === 'DELETE') {
        cluster.clearRequests();
        return { body: { cleared: true } };
      }
    }
    if (b === 'nodes') {
      if (parts.length === 3 && method === 'POST') {
        const spec = addNodeSchema.parse(await jsonBody(req));
        if (cluster.store.get('/nodes', undefined, spec.name))
          throw new AdminError(409, 'CONFLICT', `node ${spec.name} already exists`);
        const pool = {
          count: 1,
          architecture: spec.architecture,
          role: spec.role,
          cpu: spec.cpu,
          memory: spec.memory,
          pods: spec.pods,
          name: spec.name,
          ...(spec.labels ? { labels: spec.labels } : {}),
        };
        return { status: 201, body: { node: cluster.controllers.addNode(pool).metadata.name } };
      }
      if (node !== undefined) {
        nodeExists(cluster, node);
        if (parts.length === 4 && method === 'DELETE') {
          cluster.controllers.removeNode(node);
          return { body: { deleted: node } };
        }
        const body = await jsonBody(req);
        if (c === 'conditions' && method === 'POST') {
          const cond = conditionSchema.parse(body);
          cluster.controllers.setNodeCondition(node, cond.type, cond.status, cond.reason, cond.message);
          return { body: { node, condition: cond, appliedAt: new Date().toISOString() } };
        }
        if (c === 'heartbeat' && method === 'POST') {
          const hb = heartbeatSchema.parse(body);
          cluster.controllers.setHeartbeat(node, hb.running);
          return { body: { node, heartbeat: hb.running, appliedAt: new Date().toISOString() } };
        }
        if (c === 'cordon' && method === 'POST') {
          const co = cordonSchema.parse(body);
          cluster.controllers.setCordoned(node, co.cordoned);
          return { body: { node, cordoned: co.cordoned, appliedAt: new Date().toISOString() } };
        }
      }
    }
  }
  throw new AdminError(404, 'NOT_FOUND', `no admin route ${method} ${url.pathname}; see sim/README.md`);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** A standalone HTTP server for the admin API. */
export async function startAdminServer(
  fleet: SimFleet,
  opts: AdminOptions & { host?: string; port?: number } = {},
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopback(host) && !opts.token)
    throw new Error(
      `the admin API listens on ${host}, beyond loopback: set an admin token (--admin-token or FLEETGRAPH_SIM_ADMIN_TOKEN)`,
    );
  const handler = createAdminHandler(fleet, opts);
  const server = createServer((req, res) => {
    void handler(req, res).then((handled) => {
      if (!handled)
        send(res, 404, {
          error: { code: 'NOT_FOUND', message: `the admin API lives under ${opts.prefix ?? '/_sim'}` },
        });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host === '0.0.0.0' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}${opts.prefix ?? '/_sim'}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
