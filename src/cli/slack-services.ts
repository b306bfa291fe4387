import type { SlackServices } from '../slack/services.ts';
import type { Runtime } from './runtime.ts';
import { openDecidePhase } from './commands/plan.ts';

/** What the Slack app calls, built from the runtime's workflows and store. */
export function slackServices(runtime: Runtime): SlackServices {
  return {
    scan: { run: ({ requestedBy, io }) => runtime.scanWorkflow(io).run({ requestedBy }) },
    scans: runtime.store.scans,
    decide: openDecidePhase(runtime),
  };
}
