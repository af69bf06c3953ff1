// Minimal types for s3rver 3 (it ships none): what app/local/bucket.ts uses.
declare module 's3rver' {
  import type { EventEmitter } from 'node:events';
  interface S3rverOptions {
    address?: string;
    port?: number;
    directory?: string;
    silent?: boolean;
    resetOnClose?: boolean;
    configureBuckets?: { name: string; configs: unknown[] }[];
  }
  class S3rver extends EventEmitter {
    constructor(options?: S3rverOptions);
    /** The FilesystemStore behind the server. */
    store: unknown;
    run(): Promise<{ address: string; port: number; family: string }>;
    close(): Promise<void>;
  }
  export default S3rver;
}
