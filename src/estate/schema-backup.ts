import { z } from 'zod';

/** An AWS Backup vault of the estate (BackupVaultName pattern of aws-models/backup). */
export const backupVaultInput = z.strictObject({
  BackupVaultName: z.string().regex(/^[a-zA-Z0-9\-_]{2,50}$/, {
    message: 'BackupVaultName: 2 to 50 letters, digits, hyphens and underscores',
  }),
  /** Every backup job into this vault ends FAILED (rehearses a failed backup). */
  failJobs: z.boolean().optional(),
});
