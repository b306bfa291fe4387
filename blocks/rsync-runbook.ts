import type { RsyncRunbookView as RsyncRunbook } from '../src/domain/rsync-runbook-view.ts';
import { code, escapeMrkdwn } from './format.ts';
import { SlackLimits, clip, packLines, type Block, type SlackMessage } from './limits.ts';

/**
 * The EC2 + rsync runbook in the migration's thread: a summary message (where the instance runs,
 * what to check first, the commands in order) and the files to attach with files.uploadV2 (the
 * full runbook, which embeds the scripts, and each script on its own). Rendering only: the
 * Initial copy done / Final sync done buttons are added by the copy listeners.
 */

/** One entry of files.uploadV2 `file_uploads`. */
export interface RunbookUpload {
  filename: string;
  title: string;
  content: string;
}

export interface RsyncRunbookPost {
  message: SlackMessage;
  /** The runbook first, then the scripts; pass as `file_uploads` with the thread's `thread_ts`. */
  files: RunbookUpload[];
  /** The upload's `initial_comment`. */
  initialComment: string;
}

function commandBlock(lines: string[]): string {
  // Inside ``` Slack shows text as is except &, < and >, which must still be escaped.
  // Clip inside the fence, so that a long block still closes it.
  const fence = '```';
  return `${fence}\n${clip(escapeMrkdwn(lines.join('\n')), SlackLimits.sectionText - 2 * fence.length - 2)}\n${fence}`;
}

export function rsyncRunbookMessage(runbook: RsyncRunbook): RsyncRunbookPost {
  const { network, instance, commands } = runbook;
  const title = `EC2 + rsync runbook: ${runbook.sourceFileSystemId} → ${runbook.targetFileSystemId}`;
  const zone = network.availabilityZoneName ?? network.availabilityZone;
  const securityGroups = network.instanceSecurityGroupIds.length
    ? network.instanceSecurityGroupIds.map(code).join(', ')
    : `new ${code(instance.securityGroupName)}, NFS 2049 opened on ${network.mountTargetSecurityGroupIds.map(code).join(', ') || 'the mount targets'}`;

  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(title, SlackLimits.headerText) } },
    {
      type: 'section',
      fields: [
        {
          type: 'mrkdwn',
          text: `*Instance*\n${escapeMrkdwn(instance.instanceType)}, Amazon Linux 2023 (${instance.architecture})`,
        },
        { type: 'mrkdwn', text: `*Where*\n${code(network.subnetId)} in ${escapeMrkdwn(zone)}` },
        { type: 'mrkdwn', text: `*Security groups*\n${clip(securityGroups, 1900)}` },
        {
          type: 'mrkdwn',
          text: `*Instance profile*\n${code(instance.instanceProfileName)} (EFS ClientMount, ClientWrite on the target only, ClientRootAccess)`,
        },
        { type: 'mrkdwn', text: `*Mounts*\nEFS mount helper, TLS and IAM; source read-only` },
        { type: 'mrkdwn', text: `*Launch token*\n${code(instance.clientToken)}` },
      ],
    },
  ];
  if (runbook.warnings.length)
    for (const text of packLines([
      ':warning: *Check first*',
      ...runbook.warnings.map((w) => `• ${escapeMrkdwn(w)}`),
    ]))
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text } });
  blocks.push(
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*On the instance, as root* (steps 5 to 7 of the runbook): mount, initial copy, then incremental passes until they are short. Click *Initial copy done* after the initial copy (or run ${code(`efs-encrypt copy record ${runbook.sourceFileSystemId} --pass initial`)}).`,
      },
    },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: commandBlock([commands.mount, commands.initial, commands.incremental]) },
    },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*In the maintenance window*, with writes to the source stopped: see what the final pass would delete, run it, verify. Paste the verification summary with *Final sync done* (or run ${code(`efs-encrypt copy record ${runbook.sourceFileSystemId} --pass final --summary FILE`)}). This runbook's verify.sh is bound to this migration and a one-time nonce: only its summary is accepted, and only once.`,
      },
    },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: commandBlock([commands.finalDryRun, commands.final, commands.verify]) },
    },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `The full runbook (network, role, launch, clean-up, scripts) is attached as ${code(runbook.filename)}. Migration ${code(runbook.migrationId)}.`,
        },
      ],
    },
  );

  return {
    message: { text: clip(`${title}: runbook attached`, SlackLimits.messageText), blocks },
    files: [
      { filename: runbook.filename, title: runbook.title, content: runbook.markdown },
      ...runbook.scripts.map((s) => ({
        filename: s.name,
        title: `${s.name}: ${s.purpose}`,
        content: s.content,
      })),
    ],
    initialComment: `Runbook and scripts for ${runbook.sourceFileSystemId} → ${runbook.targetFileSystemId}`,
  };
}
