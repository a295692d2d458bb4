/** The part of @20minutes/s3rver (which ships no types) that the tests use. */
declare module '@20minutes/s3rver' {
  import type { AddressInfo } from 'node:net';

  /** Options of the in-process S3 server. */
  export interface S3rverOptions {
    /** @default 'localhost' */
    address?: string;
    /** 0 picks a free port. @default 4568 */
    port?: number;
    /** No request logging. @default false */
    silent?: boolean;
    /** Where buckets and objects are stored as files. */
    directory?: string;
    /** Serve requests whose signature does not match (the access key must still be known). @default false */
    allowMismatchedSignatures?: boolean;
    /** Buckets created before the server answers. */
    configureBuckets?: { name: string }[];
  }

  /** An S3 protocol server over a directory (accepts the key pair S3RVER / S3RVER). */
  export default class S3rver {
    constructor(options?: S3rverOptions);
    /** Starts listening; resolves with the bound address. */
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
  }
}
