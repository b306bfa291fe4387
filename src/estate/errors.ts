/**
 * The estate's own error for a bad estate file. The estate is a test double and imports no code of
 * ours (DESIGN.md's layer table: domain types only), so it does not extend the domain's error class;
 * the command line turns it into the domain's `EstateInvalidError` (exit code 2) where it loads one.
 */
export class EstateFileError extends Error {
  constructor(
    /** The file, or what the estate came from ("the capture", a test's name). */
    readonly source: string,
    /** One `path: message` line per problem. */
    readonly problems: string[],
  ) {
    super(`Invalid estate ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'EstateFileError';
  }
}
