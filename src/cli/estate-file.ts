import { EstateInvalidError } from '../domain/errors.ts';
import { EstateFileError, loadEstateFile, type Estate } from '../estate/index.ts';

/**
 * Loads an estate file for a command. The estate reports a bad file with its own error (it imports
 * no code of ours); here it becomes the domain's `EstateInvalidError`, which the CLI shows as a
 * message with one line per problem.
 */
export async function loadEstate(path: string): Promise<Estate> {
  try {
    return await loadEstateFile(path);
  } catch (e) {
    if (e instanceof EstateFileError) throw new EstateInvalidError(e.source, e.problems);
    throw e;
  }
}
