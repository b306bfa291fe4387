import type { types } from '@slack/bolt';
import {
  METHOD_LABELS,
  MIGRATION_METHODS,
  isMigrationMethod,
  type DecisionChoice,
  type DecisionField,
  type FieldErrors,
} from '../src/domain/decision.ts';
import { ownership, type FileSystemRecord } from '../src/domain/inventory.ts';
import type { CandidateStatus } from '../src/domain/plan-summary.ts';
import { humanBytes, plural } from './format.ts';
import { SlackLimits, clip, type Block } from './limits.ts';

/**
 * The plan modal: one page of unencrypted candidates, ten blocks each (details, scope, reason,
 * key from the list, typed key, method, window, change rate, bandwidth limit, notes), so a page
 * of nine stays inside Slack's 100 blocks per modal. Choices are stored page by page on submit; re-opening shows them.
 */

export const PLAN_CALLBACK_ID = 'plan_modal';
export const PLAN_OPEN_ACTION_ID = 'plan_open';
export const PLAN_KEY_SELECT_ACTION_ID = 'plan_key_select';
export const PLAN_BLOCKS_PER_FILE_SYSTEM = 10;
/** Two blocks of page header, then whole file systems. */
export const PLAN_PAGE_SIZE = Math.floor((SlackLimits.blocksPerModal - 2) / PLAN_BLOCKS_PER_FILE_SYSTEM);
export const AWS_MANAGED_OPTION_VALUE = 'alias/aws/elasticfilesystem';

/** What the modal carries between requests; small, well under private_metadata's 3,000 characters. */
export interface PlanMetadata {
  /** The scan the plan was opened on; absent for the latest scan of each account and region. */
  scanId?: string;
  /** The latest view as of this time (PlanBasis.asOf): pages stay the same while a scan finishes. */
  asOf?: string;
  page: number;
  channelId?: string;
  threadTs?: string;
}

export function encodePlanMetadata(m: PlanMetadata): string {
  return JSON.stringify(m);
}

export function decodePlanMetadata(text: string | undefined): PlanMetadata | undefined {
  try {
    const m = JSON.parse(text ?? '') as Partial<PlanMetadata>;
    return (typeof m.scanId === 'string' || typeof m.asOf === 'string') && typeof m.page === 'number'
      ? (m as PlanMetadata)
      : undefined;
  } catch {
    return undefined;
  }
}

type Part = 'scope' | 'reason' | 'key' | 'keytyped' | 'method' | 'window' | 'rate' | 'bandwidth' | 'notes';

/** `<part>|<account>:<region>:<fileSystemId>`: the options listener reads account and region from it. */
export function planBlockId(
  part: Part,
  fs: Pick<FileSystemRecord, 'accountId' | 'region' | 'fileSystemId'>,
): string {
  return `${part}|${fs.accountId}:${fs.region}:${fs.fileSystemId}`;
}

export function parsePlanBlockId(
  blockId: string,
): { part: string; accountId: string; region: string; fileSystemId: string } | undefined {
  const m = /^([a-z]+)\|(\d{12}):([a-z0-9-]+):(fs-[0-9a-f]+)$/.exec(blockId);
  return m ? { part: m[1]!, accountId: m[2]!, region: m[3]!, fileSystemId: m[4]! } : undefined;
}

export function pageCount(candidates: number): number {
  return Math.max(1, Math.ceil(candidates / PLAN_PAGE_SIZE));
}

export function pageOf<T>(items: T[], page: number): T[] {
  return items.slice(page * PLAN_PAGE_SIZE, (page + 1) * PLAN_PAGE_SIZE);
}

const plain = (text: string, max = 75): types.PlainTextElement => ({
  type: 'plain_text',
  text: clip(text, max),
});
const option = (text: string, value: string): types.PlainTextOption => ({ text: plain(text), value });

const SCOPE_OPTIONS = [
  option('In scope: migrate it', 'in_scope'),
  option('Excluded (give a reason)', 'excluded'),
];
const METHOD_OPTIONS = MIGRATION_METHODS.map((m) => option(METHOD_LABELS[m], m));

function details(fs: FileSystemRecord, status: CandidateStatus | undefined): string {
  const o = ownership(fs);
  const tags = (['env', 'app', 'owner'] as const).flatMap((k) => (o[k] ? [`${k}=${o[k]}`] : []));
  const subnets = [...new Set(fs.mountTargets.map((m) => m.subnetId))];
  const azs = [...new Set(fs.mountTargets.map((m) => m.availabilityZoneName).filter(Boolean))];
  const lines = [
    `*${fs.fileSystemId}*${fs.name ? ` ${clip(fs.name, 60)}` : ''} · ${humanBytes(fs.sizeInBytes)} · ${fs.accountId} ${fs.region}`,
    [tags.join(' ') || 'no env/app/owner tags', fs.vpcIds.length ? fs.vpcIds.join(', ') : 'no VPC'].join(
      ' · ',
    ),
    `${plural(fs.mountTargets.length, 'mount target')}${azs.length ? ` in ${azs.join(', ')}` : ''}${subnets.length ? ` (${clip(subnets.join(', '), 300)})` : ''}${fs.flags.length ? ` · flags: ${fs.flags.join(', ')}` : ''}`,
  ];
  const now = currentLine(status);
  if (now) lines.push(now);
  return clip(lines.join('\n'), SlackLimits.sectionText);
}

function currentLine(s: CandidateStatus | undefined): string | undefined {
  if (!s?.state || s.state === 'discovered') return undefined;
  if (s.state === 'decided' && s.decision) {
    const d = s.decision.decision;
    return `_Now: ${METHOD_LABELS[d.method]} to ${d.targetKeyAsGiven ?? d.targetKmsKeyId}, decided by <@${d.decidedBy}>_`;
  }
  if (s.state === 'excluded')
    return `_Now: excluded (${clip(s.exclusionReason ?? '', 200)}) by <@${s.updatedBy}>_`;
  return `_Now: ${s.state}${s.state === 'in_scope' ? '' : ' (the build started; this can no longer change)'}_`;
}

function textInput(
  part: Part,
  fs: FileSystemRecord,
  label: string,
  initial: string | undefined,
  extra: Partial<types.PlainTextInput> = {},
): types.InputBlock {
  return {
    type: 'input',
    block_id: planBlockId(part, fs),
    optional: true,
    label: plain(label, 2000),
    element: {
      type: 'plain_text_input',
      action_id: part,
      ...(initial ? { initial_value: initial } : {}),
      ...extra,
    },
  };
}

/** The blocks of one file system, prefilled from where it stands. */
export function fileSystemBlocks(fs: FileSystemRecord, status?: CandidateStatus): Block[] {
  const d = status?.state === 'decided' ? status.decision?.decision : undefined;
  const scope = status?.state === 'excluded' ? 'excluded' : d ? 'in_scope' : undefined;
  const given = d?.targetKeyAsGiven ?? d?.targetKmsKeyId;
  return [
    { type: 'section', text: { type: 'mrkdwn', text: details(fs, status) } },
    {
      type: 'input',
      block_id: planBlockId('scope', fs),
      optional: true,
      label: plain(`Scope of ${fs.fileSystemId}`),
      element: {
        type: 'radio_buttons',
        action_id: 'scope',
        options: SCOPE_OPTIONS,
        ...(scope ? { initial_option: SCOPE_OPTIONS.find((o) => o.value === scope)! } : {}),
      },
    },
    textInput(
      'reason',
      fs,
      'Reason for excluding',
      status?.state === 'excluded' ? status.exclusionReason : undefined,
      {
        max_length: 500,
        placeholder: plain('required when excluded'),
      },
    ),
    {
      type: 'input',
      block_id: planBlockId('key', fs),
      optional: true,
      label: plain('Target KMS key'),
      element: {
        type: 'external_select',
        action_id: PLAN_KEY_SELECT_ACTION_ID,
        min_query_length: 0,
        placeholder: plain('aws/elasticfilesystem or a customer-managed key'),
        // The value is the key's ARN (at most 2048 in theory, 75–90 in practice for KMS), never the text
        // as typed: an alias may run to 256 characters, over Slack's 150 for an option value, and
        // views.open would then refuse this page until the decision changed.
        ...(d && given
          ? { initial_option: option(clip(given, SlackLimits.optionText), d.targetKmsKeyId) }
          : {}),
      },
    },
    textInput('keytyped', fs, '…or type a key ID, key ARN, alias or alias ARN', undefined, {
      placeholder: plain('alias/my-efs-key'),
    }),
    {
      type: 'input',
      block_id: planBlockId('method', fs),
      optional: true,
      label: plain('Method'),
      element: {
        type: 'static_select',
        action_id: 'method',
        options: METHOD_OPTIONS,
        ...(d ? { initial_option: METHOD_OPTIONS.find((o) => o.value === d.method)! } : {}),
      },
    },
    textInput('window', fs, 'Maintenance window (optional)', d?.constraints?.maintenanceWindow, {
      max_length: 200,
      placeholder: plain('Sat 02:00-06:00 UTC'),
    }),
    textInput('rate', fs, 'Expected change rate (optional)', d?.constraints?.expectedChangeRate, {
      max_length: 100,
      placeholder: plain('5 GiB/day'),
    }),
    textInput('bandwidth', fs, 'DataSync bandwidth limit (optional)', d?.constraints?.bandwidthLimit, {
      max_length: 50,
      placeholder: plain('50 MiB/s (keeps a bursting source its credits)'),
    }),
    textInput('notes', fs, 'Notes (optional)', d?.constraints?.notes, { multiline: true, max_length: 1000 }),
  ];
}

export interface PlanModalInput {
  metadata: PlanMetadata;
  /** Every candidate of the scan, in plan order; the page is cut from it. */
  candidates: FileSystemRecord[];
  statuses: CandidateStatus[];
  /** Where the candidates come from ("scan X", "the latest scan of each account and region (…)"). */
  origin?: string;
}

export function planModal(input: PlanModalInput): types.ModalView {
  const { metadata, candidates } = input;
  const pages = pageCount(candidates.length);
  const page = Math.min(Math.max(0, metadata.page), pages - 1);
  const shown = pageOf(candidates, page);
  const byId = new Map(input.statuses.map((s) => [s.migrationId, s]));
  const last = page === pages - 1;
  const origin = input.origin ?? (metadata.scanId ? `scan ${metadata.scanId}` : 'the latest scans');
  const blocks: Block[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: candidates.length
          ? clip(
              `${plural(candidates.length, 'unencrypted file system')} from ${origin}, page ${page + 1} of ${pages}. Leave a file system blank to decide later.`,
              SlackLimits.sectionText,
            )
          : clip(`No unencrypted file systems in ${origin}: nothing to plan.`, SlackLimits.sectionText),
      },
    },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: last
            ? 'Save stores every choice on this page after checking it against AWS.'
            : "Save & next stores this page's choices after checking them against AWS, then shows the next page.",
        },
      ],
    },
    ...shown.flatMap((fs) =>
      fileSystemBlocks(fs, byId.get(`FS#${fs.accountId}#${fs.region}#${fs.fileSystemId}`)),
    ),
  ];
  return {
    type: 'modal',
    callback_id: PLAN_CALLBACK_ID,
    title: plain(pages > 1 ? `EFS plan ${page + 1}/${pages}` : 'EFS plan', 24),
    ...(candidates.length ? { submit: plain(last ? 'Save' : 'Save & next', 24) } : {}),
    close: plain('Cancel', 24),
    private_metadata: encodePlanMetadata({ ...metadata, page }),
    blocks,
  };
}

/** `view.state.values` as Slack sends it: block_id → action_id → the element's state. */
export type ViewStateValues = Record<
  string,
  Record<string, { type?: string; value?: string | null; selected_option?: { value: string } | null }>
>;

export interface ReadChoices {
  choices: DecisionChoice[];
  /** Problems found before any lookup, by block_id. */
  errors: Record<string, string>;
  /** Where to show a field's reason for each file system (block_id per field). */
  blockFor(fileSystemId: string, field: DecisionField): string;
}

/** The page's choices; a file system whose inputs are all blank is left undecided. */
export function readPlanSubmission(values: ViewStateValues, page: FileSystemRecord[]): ReadChoices {
  const choices: DecisionChoice[] = [];
  const errors: Record<string, string> = {};
  const typedKeyUsed = new Set<string>();
  const fsById = new Map(page.map((fs) => [fs.fileSystemId, fs]));
  const read = (part: Part, fs: FileSystemRecord, action: string) => {
    const s = values[planBlockId(part, fs)]?.[action];
    const v = s?.selected_option?.value ?? s?.value ?? undefined;
    return typeof v === 'string' && v.trim() ? v.trim() : undefined;
  };
  for (const fs of page) {
    const scope = read('scope', fs, 'scope');
    const reason = read('reason', fs, 'reason');
    const picked = read('key', fs, PLAN_KEY_SELECT_ACTION_ID);
    const typed = read('keytyped', fs, 'keytyped');
    const method = read('method', fs, 'method');
    const constraints = {
      maintenanceWindow: read('window', fs, 'window'),
      expectedChangeRate: read('rate', fs, 'rate'),
      bandwidthLimit: read('bandwidth', fs, 'bandwidth'),
      notes: read('notes', fs, 'notes'),
    };
    const anything = [reason, picked, typed, method, ...Object.values(constraints)].some(Boolean);
    if (!scope) {
      if (anything)
        errors[planBlockId('scope', fs)] =
          "Choose in scope or excluded, or clear this file system's other fields to decide later.";
      continue;
    }
    if (picked && typed && picked !== typed) {
      errors[planBlockId('keytyped', fs)] =
        `You picked ${picked} from the list and typed ${typed}; clear one of them.`;
      continue;
    }
    if (typed) typedKeyUsed.add(fs.fileSystemId);
    choices.push({
      accountId: fs.accountId,
      region: fs.region,
      fileSystemId: fs.fileSystemId,
      scope: scope === 'excluded' ? 'excluded' : 'in_scope',
      exclusionReason: reason,
      targetKey: typed ?? picked,
      method: isMigrationMethod(method) ? method : undefined,
      constraints,
    });
  }
  const blockFor = (fileSystemId: string, field: DecisionField) => {
    const fs = fsById.get(fileSystemId) ?? { accountId: '', region: '', fileSystemId };
    const part: Part =
      field === 'exclusionReason'
        ? 'reason'
        : field === 'targetKey'
          ? typedKeyUsed.has(fileSystemId)
            ? 'keytyped'
            : 'key'
          : field === 'method'
            ? 'method'
            : field === 'maintenanceWindow'
              ? 'window'
              : field === 'expectedChangeRate'
                ? 'rate'
                : field === 'bandwidthLimit'
                  ? 'bandwidth'
                  : field === 'notes'
                    ? 'notes'
                    : 'scope';
    return planBlockId(part, fs);
  };
  return { choices, errors, blockFor };
}

/** Slack's `response_action: errors` map from field errors, several on one block joined. */
export function planErrors(
  read: ReadChoices,
  invalid: { fileSystemId: string; errors: FieldErrors }[],
): Record<string, string> {
  const out: Record<string, string> = { ...read.errors };
  for (const v of invalid)
    for (const [field, message] of Object.entries(v.errors)) {
      const block = read.blockFor(v.fileSystemId, field as DecisionField);
      out[block] = clip(out[block] ? `${out[block]} ${message}` : message, 2000);
    }
  return out;
}

/** The options of the key select: the AWS-managed key first, then customer-managed keys with state. */
export function keyOptions(
  keys: { arn: string; keyId: string; aliases: string[]; keyState: string; keySpec?: string }[],
  query: string,
): types.PlainTextOption[] {
  const q = query.trim().toLowerCase();
  const all = [
    option('aws/elasticfilesystem · AWS managed', AWS_MANAGED_OPTION_VALUE),
    ...keys.map((k) =>
      option(
        `${k.aliases[0]?.replace(/^alias\//, '') ?? k.keyId} · ${k.keyState}${k.keySpec && k.keySpec !== 'SYMMETRIC_DEFAULT' ? ` · ${k.keySpec}` : ''}`,
        k.arn,
      ),
    ),
  ];
  const matching = q
    ? all.filter(
        (o, i) =>
          o.text.text.toLowerCase().includes(q) ||
          o.value!.toLowerCase().includes(q) ||
          (i > 0 && keys[i - 1]!.aliases.some((a) => a.toLowerCase().includes(q))),
      )
    : all;
  // Slack shows at most 100 options; typing narrows the list.
  return matching.slice(0, 100);
}
