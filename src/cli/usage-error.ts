import { BadInputError } from '../domain/errors.ts';

/**
 * A command called with arguments or options that do not go together (`build` with neither IDs
 * nor --all): exit code 2, as commander's own usage errors, not 1 (the command ran and failed).
 */
export class UsageError extends BadInputError {}
