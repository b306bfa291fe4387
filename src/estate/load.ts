/** Reading an estate file: JSON, then the zod schema, then defaults and cross-checks; all problems at once. */
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { EstateFileError } from './errors.ts';
import { estateFileSchema } from './schema.ts';
import { normaliseEstate, formatPath, Problems, type PathPart } from './normalise.ts';
import type { Estate } from './types.ts';

export async function loadEstateFile(path: string): Promise<Estate> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new EstateFileError(path, [
      `cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)}); check the --estate path`,
    ]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new EstateFileError(path, [`not valid JSON: ${(e as Error).message}`]);
  }
  return parseEstate(json, path);
}

/** Validates and completes an estate; throws `EstateFileError` with one `path: message` line per problem. */
export function parseEstate(json: unknown, source: string): Estate {
  const parsed = estateFileSchema.safeParse(json);
  if (!parsed.success) throw new EstateFileError(source, zodProblems(parsed.error));
  const problems = new Problems();
  const estate = normaliseEstate(parsed.data, problems);
  if (problems.lines.length > 0) throw new EstateFileError(source, problems.lines);
  return estate;
}

function zodProblems(error: z.ZodError): string[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)) as PathPart[];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map(
        (key) =>
          `${formatPath([...path, key])}: not a member of this AWS shape; check the spelling against the AWS API reference`,
      );
    }
    return [`${formatPath(path)}: ${issue.message}`];
  });
}
