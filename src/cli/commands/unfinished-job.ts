import { describeLeaseHolder, type JobRecord } from '../../domain/job.ts';
import type { LeaseHolderProbe } from '../../workflow/jobs/index.ts';

/**
 * Why a job this command ran (or tried to) is still open, in words: held by a live process (which
 * one, on which host), or by a runner elsewhere until its lease ends. Undefined when the job is
 * not held by anyone else, so the caller shows the job's own error instead.
 */
export function heldElsewhere(
  job: JobRecord | undefined,
  holders: Pick<LeaseHolderProbe, 'liveness' | 'self'>,
  now: Date,
): string | undefined {
  if (job?.status !== 'running') return undefined;
  const h = job.leaseHolder;
  if (h && h.host === holders.self.host && h.pid === holders.self.pid && h.instance === holders.self.instance)
    return undefined;
  const liveness = holders.liveness(h);
  if (liveness === 'alive')
    return `job ${job.jobId} is held by ${describeLeaseHolder(job)}, which is still running: wait for it, or stop it and run this again (it resumes${job.step ? ` after ${job.step}` : ''})`;
  const until = job.leaseExpiresAt ? Date.parse(job.leaseExpiresAt) : 0;
  if (liveness === 'unknown' && until > now.getTime())
    return `job ${job.jobId} is held by ${describeLeaseHolder(job)} until ${job.leaseExpiresAt}: it continues there, or here when run again after that time`;
  return undefined;
}
