import type { AllMiddlewareArgs, BlockSuggestion, SlackOptionsMiddlewareArgs } from '@slack/bolt';
import { keyOptions, parsePlanBlockId } from '#blocks/plan-modal.ts';
import type { ListenerDeps } from '../deps.ts';

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
    const suggestion = payload as BlockSuggestion;
    const where = parsePlanBlockId(suggestion.block_id);
    const decide = deps.services.decide;
    if (!where || !decide) {
      deps.logger.warn(
        { blockId: suggestion.block_id.slice(0, 255) },
        'key options for no plan block: refused',
      );
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
