/** Application sign-off (issue 16 §2): the owner's word that the application works on the new file system. */
export {
  createSignOffWorkflow,
  type SignOffWorkflow,
  type SignOffWorkflowDeps,
  type SignOffApplication,
} from './sign-off-workflow.ts';
export type { SignOffRepository, SignOffPeople } from './ports.ts';
