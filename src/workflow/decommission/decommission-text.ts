import { formatGuards, type DecommissionLogEntry, type DeletionCall } from '../../domain/decommission.ts';

/** The dry run and the log as plain text, for the CLI. */

export function formatDeletionCalls(fileSystemId: string, calls: DeletionCall[]): string {
  return `Dry run: nothing is deleted. ${fileSystemId}, calls in order:\n${calls
    .map((c, i) => `  ${String(i + 1).padStart(3)}. ${c.service}:${c.operation} ${JSON.stringify(c.input)}`)
    .join('\n')}\n`;
}

export function formatDecommissionLog(entries: DecommissionLogEntry[]): string {
  if (entries.length === 0) return 'No file system has been decommissioned.\n';
  return entries
    .map((e) =>
      [
        `${e.fileSystemId} (${e.accountId} ${e.region}) ${e.state}`,
        `  replaced by ${e.twinFileSystemId ?? '(none)'} encrypted with ${e.twinKmsKeyArn ?? '(unknown key)'}`,
        `  confirmed by ${e.confirmedBy ?? '(nobody)'} at ${e.confirmedAt ?? '-'}`,
        `  recovery point ${e.recoveryPointArn ?? '(none: no backup vault configured)'}`,
        '  guards:',
        ...formatGuards(e.guards)
          .split('\n')
          .map((l) => `    ${l}`),
        '  deletions:',
        ...e.steps.map((s) => `    ${s.at} ${s.operation} ${s.resourceId} request ${s.awsRequestId ?? '-'}`),
      ].join('\n'),
    )
    .join('\n\n')
    .concat('\n');
}
