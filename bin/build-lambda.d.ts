/** Builds the Lambda bundle (index.mjs and its chunks) into `outdir` (default dist-lambda/). */
export declare function buildLambda(options?: {
  outdir?: string;
}): Promise<{ outdir: string; /** JavaScript written (source maps not counted). */ bytes: number }>;
