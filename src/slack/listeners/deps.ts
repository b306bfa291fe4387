import type { Logger } from 'pino';
import type { ScanSummaryOptions } from '#blocks/scan-summary.ts';
import type { Clock } from '../../domain/clock.ts';
import type { Authorizer } from '../authorization.ts';
import type { BackgroundTasks } from '../background-tasks.ts';
import type { ScanAdmission } from '../scan-admission.ts';
import type { ResponseUrlPolicy } from '../private-reply.ts';
import type { Scheduler } from '../scheduler.ts';
import type { SlackServices } from '../services.ts';
import type { RegisteredButtonWork } from '../background-button.ts';
import type { WorkDispatcher } from '../work-dispatch.ts';
import type { RegisteredViewWork } from '../view-work.ts';

/** What every listener may use; built once in app.ts. */
export interface ListenerDeps {
  services: SlackServices;
  authorizer: Authorizer;
  tasks: BackgroundTasks;
  /** Where long work goes after the ack: this process's background tasks, or the Lambda worker. */
  work: WorkDispatcher;
  /** Button work by title, filled as the listeners register (so a worker finds it from a message). */
  buttonWork: Map<string, RegisteredButtonWork>;
  /** Modal work by callback_id (or `<callback_id>#opened`), filled as the listeners register. */
  viewWork: Map<string, RegisteredViewWork>;
  /** Joins, queues or runs each scan requested from Slack. */
  scanAdmission: ScanAdmission;
  clock: Clock;
  scheduler: Scheduler;
  logger: Logger;
  summary?: ScanSummaryOptions;
  progressIntervalMs?: number;
  /** Which response_urls private answers go to (the rest go through chat.postEphemeral). */
  responseUrls: ResponseUrlPolicy;
}
