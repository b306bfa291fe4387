/** The validate phase (issue 16 §1): a fresh scan judged against the migrations and decisions. */
export {
  createValidateWorkflow,
  newReportId,
  ReportNotFoundError,
  type ValidateWorkflow,
  type ValidateWorkflowDeps,
  type ValidateRequest,
} from './validate-workflow.ts';
export type {
  ValidateScanner,
  ValidationReportRepository,
  ValidateMigrations,
  ValidateJobs,
  ValidateSignOffs,
  ValidateCutovers,
} from './ports.ts';
