import { authorizeBuild, buildMigrationOf, knownBuildMigrations, retryBuild } from '../../build-in-thread.ts';
import type { ListenerDeps } from '../deps.ts';
import { backgroundButton } from '../../background-button.ts';

/** Retry on a failed build's message: the next job resumes from what was recorded, in the same message. */
export function buildRetryAction(deps: ListenerDeps) {
  return backgroundButton(deps, 'Retry build', async ({ target, value, messageTs, replyPrivately }) => {
    await authorizeBuild(deps, target.userId, target.correlationId, () => knownBuildMigrations(deps, value));
    const id = await buildMigrationOf(deps, value);
    await replyPrivately(
      (await retryBuild(deps, { ...target, ...(messageTs ? { messageTs } : {}) }, id)).reply,
    );
  });
}
