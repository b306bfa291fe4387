/** Output name in dist/ → source file. */
export declare const ENTRIES: Record<string, string>;
export declare function buildDist(options?: {
  root?: string;
  outdir?: string;
}): Promise<{ outdir: string; sources: number; assets: string[] }>;
