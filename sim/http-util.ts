import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { parse as parseYaml } from 'yaml';
import { ApiError, badRequest } from './errors.js';
import type { Json } from './k8s-types.js';

/** A request as the API handler sees it: HTTP/1.1, or HTTP/2 through node:http2's compatibility API. */
export type ApiRequest = IncomingMessage | Http2ServerRequest;

/** The response to an ApiRequest. */
export type ApiResponse = ServerResponse | Http2ServerResponse;

/** Largest request body accepted, like kube-apiserver's 3 MiB limit. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/**
 * Reads a request body as text, rejecting bodies over MAX_BODY_BYTES with 413 (the rest of the
 * body is read and dropped, so the 413 can still be sent). Listeners rather than `for await`:
 * a stream's async iterator costs about 14 µs to set up, 5 % of the simulator's CPU per write
 * in the restore benchmark.
 */
export function readBody(req: ApiRequest): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    const done = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      if (tooLarge) return;
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) {
        chunks.push(chunk);
        return;
      }
      tooLarge = true;
      chunks.length = 0;
      req.off('data', onData);
      req.resume();
      reject(
        new ApiError({
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: 'the request body is too large',
          reason: 'RequestEntityTooLarge',
          code: 413,
        }),
      );
    };
    const onEnd = (): void => {
      done();
      if (!tooLarge)
        resolve((chunks.length === 1 ? chunks[0] : Buffer.concat(chunks))?.toString('utf8') ?? '');
    };
    const onError = (e: Error): void => {
      done();
      reject(e);
    };
    // Closed before the end: the client went away mid-body.
    const onClose = (): void => {
      done();
      reject(new Error('the request was closed before its body ended'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/** The media type of a Content-Type header, without parameters, lowercased. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * A YAML body that is a JSON object, parsed as JSON; undefined when it is not JSON. JSON is
 * YAML, and clients mostly send JSON: like the apiserver's YAML decoder (which passes JSON
 * through), this skips the YAML parser, which was most of an apply's cost in the restore
 * benchmark.
 */
export function asJsonObject(text: string): Json | undefined {
  if (!text.trimStart().startsWith('{')) return undefined;
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined; // not JSON after all: YAML flow mappings start with '{' too
  }
}

/** Decodes a create/update body: JSON, or YAML when the client says so. */
export function decodeBody(text: string, contentType: string | undefined): Json {
  const mt = mediaType(contentType);
  if (text.trim() === '') throw badRequest('the request body is empty: expected a JSON object');
  if (mt === 'application/yaml' || mt === 'application/apply-patch+yaml') {
    const json = asJsonObject(text);
    if (json !== undefined) return json;
    try {
      return parseYaml(text) as Json;
    } catch (e) {
      throw badRequest(`error decoding YAML: ${(e as Error).message}`);
    }
  }
  if (mt === 'application/vnd.kubernetes.protobuf')
    throw new ApiError({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the simulator does not accept protobuf bodies; send application/json',
      reason: 'UnsupportedMediaType',
      code: 415,
    });
  try {
    return JSON.parse(text) as Json;
  } catch (e) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
}

/** Writes a JSON response. */
export function sendJson(
  res: ApiResponse,
  code: number,
  body: unknown,
  contentType = 'application/json',
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
    ...headers,
  });
  res.end(text);
}

/** Writes an ApiError as a Status response. */
export function sendError(res: ApiResponse, err: ApiError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, err.code, err.status, 'application/json', err.headers);
}

/** How a client asked for the response to be shaped through Accept (Table, metadata only, or the object). */
export type ResponseShape = 'Object' | 'Table' | 'PartialObjectMetadata';

/** Negotiates the response shape from an Accept header, the way kube-apiserver's endpoints do. */
export function negotiateShape(accept: string | undefined): ResponseShape {
  if (!accept) return 'Object';
  for (const part of accept.split(',')) {
    const p = part.replace(/\s+/g, '');
    if (p.includes('g=meta.k8s.io') && p.includes('as=Table') && p.includes('application/json'))
      return 'Table';
    if (
      p.includes('g=meta.k8s.io') &&
      /as=PartialObjectMetadata(List)?(;|$)/.test(p) &&
      p.includes('application/json')
    )
      return 'PartialObjectMetadata';
    if (
      p.startsWith('application/json') ||
      p.startsWith('*/*') ||
      p.startsWith('application/*') ||
      p.startsWith('application/yaml')
    )
      return 'Object';
  }
  return 'Object';
}

/** True when the Accept header rules out JSON entirely (e.g. protobuf only). */
export function refusesJson(accept: string | undefined): boolean {
  if (!accept) return false;
  return !accept.split(',').some((p) => {
    const t = p.trim().split(';')[0] ?? '';
    return (
      t === 'application/json' || t === '*/*' || t === 'application/*' || t === 'application/yaml' || t === ''
    );
  });
}

/** True for loopback addresses and localhost. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
