/** The durable job runner's public surface. */
export {
  createJobRunner,
  type JobContext,
  type JobHandler,
  type JobRunner,
  type JobRunnerOptions,
  type ReportsJobError,
  type Scheduler,
  type TickReport,
} from './job-runner.ts';
export {
  createLeaseHolderProbe,
  localLeaseHolders,
  localProcessFacts,
  type LeaseHolderProbe,
  type ProcessFacts,
} from './lease-holders.ts';
