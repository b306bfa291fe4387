import { z } from 'zod';
import { COPY_RSYNC_PASS_CALLBACK_ID, SUMMARY_ACTION_ID, SUMMARY_BLOCK_ID } from '#blocks/copy-modals.ts';
import { code } from '#blocks/format.ts';
import { copyServiceOf, recordRsyncPass, section } from '../../copy-in-thread.ts';
import { userMessageOf } from '../../slack-errors.ts';
import type { ListenerDeps } from '../deps.ts';
import { clientCheckText } from '#blocks/copy-clients.ts';
import type { CopyModalMetadata } from '#blocks/copy-modals.ts';
import {
  copyViewSubmission,
  readClientsAck,
  type ReadResult,
  type ViewStateValues,
} from '../../copy-view-submission.ts';

/**
 * Initial copy done / Final sync done (EC2 + rsync): verify.sh's summary is parsed and checked
 * against the migration (its file systems, the nonce of its latest runbook, the metered size)
 * before the modal closes, and what is wrong with it is shown next to the field; then the pass is
 * recorded
 * (a clean final summary verifies the migration, differences keep it in final_sync and are listed
 * in the copy message). A double submission answers with what the first recorded.
 */
export function copyRsyncPassView(deps: ListenerDeps) {
  return copyViewSubmission(deps, {
    callbackId: COPY_RSYNC_PASS_CALLBACK_ID,
    title: 'Record rsync pass',
    fieldBlockId: SUMMARY_BLOCK_ID,
    read: (values, meta) =>
      readPassConfirmation(values, meta, (text) =>
        copyServiceOf(deps).phase.checkRsyncSummary(meta.migrationId, text),
      ),
    input: PassInput,
    async work(target, meta, { summaryText, clientsAcknowledged }) {
      const pass = meta.pass ?? 'initial';
      const result = await recordRsyncPass(deps, target, meta.migrationId, {
        pass,
        ...(summaryText ? { summaryText } : {}),
        ...(pass === 'final' ? { clientsAcknowledged } : {}),
      });
      const icon = result.verified
        ? ':white_check_mark:'
        : result.summary && !result.summary.clean
          ? ':warning:'
          : ':information_source:';
      return section(
        `${icon} ${result.unchanged ? 'Nothing new recorded: ' : ''}${result.message.split('\n')[0]} (${code(result.state)})${result.clientCheck ? `\n${clientCheckText(result.clientCheck)}` : ''}`,
      );
    },
  });
}

/** What the ack read, as the work receives it (JSON: a blank summary is absent). */
const PassInput = z.object({
  summaryText: z.string().max(3000).optional(),
  clientsAcknowledged: z.boolean(),
});

export async function readPassConfirmation(
  values: ViewStateValues,
  meta: CopyModalMetadata,
  check: (summaryText: string) => Promise<unknown>,
): Promise<ReadResult<{ summaryText: string | undefined; clientsAcknowledged: boolean }>> {
  const summary = await readSummary(values, meta, check);
  if (!summary.ok) return summary;
  const ack = readClientsAck(values, meta);
  if (!ack.ok) return ack;
  return { ok: true, input: { summaryText: summary.input, clientsAcknowledged: ack.input } };
}

export async function readSummary(
  values: ViewStateValues,
  meta: { pass?: 'initial' | 'final' },
  check: (summaryText: string) => Promise<unknown>,
): Promise<ReadResult<string | undefined>> {
  const text = values[SUMMARY_BLOCK_ID]?.[SUMMARY_ACTION_ID]?.value?.trim() ?? '';
  if (!text)
    return meta.pass === 'final'
      ? { ok: false, error: 'Paste the summary verify.sh printed after the final pass.' }
      : { ok: true, input: undefined };
  try {
    await check(text);
  } catch (err) {
    return { ok: false, error: userMessageOf(err) };
  }
  return { ok: true, input: text };
}
