import type { AllMiddlewareArgs, BlockSuggestion, SlackOptionsMiddlewareArgs } from '@slack/bolt';
import { keyOptions, parsePlanBlockId } from '#blocks/plan-modal.ts';
import { z } from 'zod';
import type { ListenerDeps } from '../deps.ts';

/** What the listener reads of an options request, checked: Slack's shape is not a promise. */
const SuggestionSchema = z.object({
  block_id: z.string().max(255),
  user: z.object({ id: z.string().min(1) }),
  value: z.string().max(2000).optional(),
});

/**
 * The target-key select's options: the account and region come from the block ID, the keys from
 * KMS (cached briefly: Slack asks again on every keystroke). On failure the AWS-managed key is
 * still offered, and the typed-key field below remains.
 */
export function planKeyOptions(deps: ListenerDeps) {
  return async ({
    ack,
    payload,
  }: SlackOptionsMiddlewareArgs<'block_suggestion'> & AllMiddlewareArgs): Promise<void> => {
    const parsed = SuggestionSchema.safeParse(payload as BlockSuggestion);
    if (!parsed.success) {
      deps.logger.warn(
        { problems: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`) },
        'key options request malformed: refused',
      );
      return await ack({ options: keyOptions([], '') });
    }
    const suggestion = parsed.data;
    const where = parsePlanBlockId(suggestion.block_id);
    const decide = deps.services.decide;
    if (!where || !decide) {
      deps.logger.warn({ blockId: suggestion.block_id }, 'key options for no plan block: refused');
      return await ack({ options: keyOptions([], '') });
    }
    // Only who may plan sees an account's keys: the query names any account, and listing it means
    // assuming the bot's role there.
    try {
      await deps.authorizer.authorize(suggestion.user.id, 'plan');
    } catch {
      deps.logger.warn(
        { userId: suggestion.user.id, accountId: where.accountId, region: where.region },
        'key options refused: not an admin',
      );
      return await ack({ options: keyOptions([], '') });
    }
    try {
      const keys = await decide.keys.listCustomerKeys({ accountId: where.accountId, region: where.region });
      await ack({ options: keyOptions(keys, suggestion.value ?? '') });
    } catch (err) {
      deps.logger.warn(
        { err, accountId: where.accountId, region: where.region },
        'could not list KMS keys for the plan modal',
      );
      await ack({ options: keyOptions([], '') });
    }
  };
}
