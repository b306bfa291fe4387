import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Clock } from '../domain/clock.ts';
import { createDigestScheduler, type DigestScheduler } from '../workflow/digest/index.ts';
import { slackDigestPoster } from './digest-in-channel.ts';
import type { Scheduler } from './scheduler.ts';
import type { DigestService } from './services.ts';

/** The bot process's digest timer (Socket Mode, HTTP), posting with the app's client. */
export function digestScheduler(
  digest: DigestService,
  channel: string,
  deps: { client: webApi.WebClient; clock: Clock; scheduler: Scheduler; logger: Logger },
): DigestScheduler {
  const poster = slackDigestPoster(deps.client);
  return createDigestScheduler({
    schedule: digest.schedule,
    clock: deps.clock,
    scheduler: deps.scheduler,
    runSlot: async (slot) => {
      const out = await digest.postSlot(slot, channel, poster);
      deps.logger.info(
        { slot: out.slot, posted: out.posted },
        out.posted ? 'digest posted' : 'digest slot already taken',
      );
    },
    onError: (err, slot) => deps.logger.error({ err, slot: slot.toISOString() }, 'scheduled digest failed'),
  });
}
