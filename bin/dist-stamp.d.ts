export declare const STAMP_FILE: string;
export interface DistStamp {
  version: number;
  /** Path relative to the root → `size:mtimeMs` when the build read it. */
  files: Record<string, string>;
}
export declare function fileMark(path: string): string;
export declare function stampOf(root: string, relativePaths: Iterable<string>): DistStamp;
export declare function distFreshness(
  root: string,
  distDir: string,
): { fresh: true } | { fresh: false; reason: string };
