/** Types for the part of `postject` (it ships none) the single-executable build uses. */
declare module 'postject' {
  interface InjectOptions {
    /** The fuse string in the host binary that flips to say "a resource is injected". */
    sentinelFuse?: string;
    overwrite?: boolean;
  }
  export function inject(filename: string, resourceName: string, resourceData: Buffer, options?: InjectOptions): Promise<void>;
}
