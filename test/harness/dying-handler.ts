import type { JobContext, JobHandler } from '../../src/workflow/jobs/index.ts';

/**
 * A handler whose runner "dies" right after it checkpointed `afterStep`: the checkpoint never
 * returns, as a killed process would not, so its lease runs out and another runner resumes.
 */
export function dyingAfter(handler: JobHandler, afterStep: string): JobHandler {
  return (ctx) =>
    handler({
      get job() {
        return ctx.job;
      },
      owner: ctx.owner,
      heartbeat: () => ctx.heartbeat(),
      checkpoint: async (step, options) => {
        await ctx.checkpoint(step, options);
        if (step === afterStep) await new Promise<never>(() => {});
      },
      sleep: (ms) => ctx.sleep(ms),
    } satisfies JobContext);
}
