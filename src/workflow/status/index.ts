/** The status query's public surface: where each migration stands, from the store alone. */
export {
  createStatusQuery,
  StatusNotFoundError,
  DEFAULT_DETAIL_EVENTS,
  type StatusQuery,
  type StatusQueryDeps,
} from './status-query.ts';
export {
  nextStepOf,
  migrationLineOf,
  copyLineOf,
  copyProgressViewOf,
  compareLines,
  type MigrationLine,
  type MigrationDetail,
  type CopyProgressView,
  type StatusOverview,
  type NextStep,
  type StepOwner,
  type Surface,
  type StateCount,
  type PlaceCount,
  type JobSummary,
  type JobView,
} from './status-model.ts';
export { formatOverview, formatDetail, formatMigrationLine } from './status-text.ts';
