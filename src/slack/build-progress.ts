import {
  buildProgressMessage,
  isBuildStep,
  migrationParts,
  type BuildProgressState,
} from '#blocks/build-progress.ts';
import { BUILD_STEPS, buildMappingOf, type BuildMapping } from '../domain/build-plan.ts';
import type { JobError } from '../domain/job.ts';
import type { MigrationMethod } from '../domain/migration.ts';
import type { IoMessage } from '../workflow/io-host.ts';
import {
  MigrationProgressReporter,
  MigrationThreadMessage,
  runningProgressOf,
  type ProgressMessageOptions,
} from './thread-progress.ts';

export interface BuildProgressReporterOptions extends ProgressMessageOptions {
  /** The decided copy method, so a built twin's message offers the copy buttons that apply. */
  copyMethodOf?(migrationId: string): Promise<MigrationMethod | undefined>;
}

/** The data every `build.*` message of the build workflow carries. */
interface BuildMessageData {
  migrationId?: string;
  jobId?: string;
  step?: string;
  steps?: readonly string[];
  mapping?: BuildMapping;
  error?: JobError;
}

/**
 * The IoHost the build phase reports to when the bot runs: ONE message per file system in the
 * thread the build was asked for from, posted on its first notification and then edited in place
 * (chat.update), at most once per `minIntervalMs` per message, each edit showing the latest state
 * (intermediate states are dropped, not queued), as the scan's SlackThreadReporter does for a
 * thread. Where each message lives is recorded in the audit log (BuildThreads), so a build resumed
 * after a restart edits the same message. A build asked for elsewhere (the CLI) has no thread and
 * is not shown. Slack failures are logged, never thrown into the build.
 */
export class BuildProgressReporter extends MigrationProgressReporter<BuildMessageData> {
  constructor(o: BuildProgressReporterOptions) {
    super('build.', (migrationId) => new BuildMessage(migrationId, o));
  }
}

/** One file system's build message: the state rebuilt from the build's messages, shown through a ThreadProgressMessage. */
class BuildMessage extends MigrationThreadMessage<BuildMessageData> {
  private state?: BuildProgressState;

  constructor(
    migrationId: string,
    private readonly o: BuildProgressReporterOptions,
  ) {
    super(migrationId, { ...o, what: 'build' });
  }

  async apply(msg: IoMessage, data: BuildMessageData): Promise<void> {
    const now = this.o.clock.now();
    // A new build (first run, Retry, or a resume in a new process) looks up its thread again:
    // Retry may have been asked for from another thread.
    if (msg.code === 'build.started' || !this.state) {
      this.shown.relocate();
      this.state = {
        ...runningProgressOf(this.migrationId, now),
        steps: data.steps ?? BUILD_STEPS,
        warnings: [],
      };
    }
    const s = this.state;
    s.updatedAt = now;
    if (data.jobId) s.jobId = data.jobId;
    if (data.steps) s.steps = data.steps;
    switch (msg.code) {
      case 'build.step.done':
        if (isBuildStep(s.steps, data.step)) s.lastStep = data.step;
        s.latest = msg.message;
        break;
      case 'build.succeeded':
        s.status = 'succeeded';
        s.lastStep = s.steps.at(-1);
        if (data.mapping) s.mapping = data.mapping;
        s.latest = msg.message;
        // The copy buttons the succeeded message offers depend on the decided method.
        if (this.o.copyMethodOf)
          s.copyMethod = await this.o.copyMethodOf(this.migrationId).catch((err: unknown) => {
            // The build did succeed and its message must still say so; without the method it only
            // lacks the copy buttons, and the log says why they are missing.
            this.o.logger.warn(
              { err, migrationId: this.migrationId },
              'could not read the decided copy method; the built message shows no copy buttons',
            );
            return undefined;
          });
        break;
      case 'build.failed':
        s.status = 'failed';
        s.error = data.error ?? { code: 'BuildFailed', message: msg.message };
        s.mapping = mappingFromResources(this.migrationId, msg.data);
        break;
      default:
        if (msg.level === 'warn' || msg.level === 'error') s.warnings.push(msg.message);
        else s.latest = msg.message;
    }
    // The failed step is the one after the last completed one; the message shows it with :x:.
    if (s.status === 'failed' && s.error?.step && isBuildStep(s.steps, s.error.step)) {
      const i = s.steps.indexOf(s.error.step);
      s.lastStep = i > 0 ? s.steps[i - 1] : undefined;
    }
    const state = s;
    await this.shown.show(() => buildProgressMessage(state), s.jobId);
  }
}

/** On failure the workflow sends the record's resources: what exists already. */
function mappingFromResources(migrationId: string, data: unknown): BuildMapping | undefined {
  const resources = (data as { resources?: Record<string, string> } | undefined)?.resources;
  if (!resources?.targetFileSystemId) return undefined;
  return buildMappingOf({ fileSystemId: migrationParts(migrationId).fileSystemId, resources });
}
