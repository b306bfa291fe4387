import { METHOD_LABELS } from '../../../domain/decision.ts';
import { BadInputError, InternalError } from '../../../domain/errors.ts';
import type { AccessPointRecord, FileSystemRecord, MountTargetRecord } from '../../../domain/inventory.ts';
import type { MigrationDecision, MigrationRecord } from '../../../domain/migration.ts';
import {
  INSTANCE_TRUST_POLICY,
  fileSystemArn,
  instanceRolePolicy,
  partitionOf,
  planCopyInstance,
  type CopyInstancePlan,
} from './instance-plan.ts';
import { planCopyNetwork, type CopyNetworkPlan } from './network-plan.ts';
import { boundRsyncScripts, type RunbookScript } from './scripts.ts';
import { SUMMARY_END, SUMMARY_START } from './verification-summary.ts';

/**
 * The EC2 + rsync runbook for one file system: what a person runs, in order, to copy the source
 * into its encrypted twin from an instance that mounts both, and to prove the copy. Pure: a
 * function of the inventory, the decision and options; the scripts it ships are the tested files
 * in ./scripts/, unchanged except verify.sh's binding to this migration and this runbook's one-time
 * nonce (scripts.ts bindVerifyScript). Every AWS CLI step that creates something is idempotent (a ClientToken
 * derived from the migration ID, or a fixed name that fails with "already exists" on a rerun) and
 * has a dry run (--dry-run) shown before it.
 */

export interface RsyncRunbookTarget {
  fileSystemId: string;
  fileSystemArn?: string;
  mountTargets: MountTargetRecord[];
  accessPoints?: AccessPointRecord[];
  fileSystemPolicy?: string;
}

export interface RsyncRunbookOptions {
  /** Default m6i.2xlarge: the copy is bound by NFS round trips and network, not CPU. */
  instanceType?: string;
  /** Parallel rsync processes (copy.sh --jobs); default 16: EFS throughput grows with parallel clients. */
  jobs?: number;
  sourceDir?: string;
  targetDir?: string;
  /** Where the scripts and their logs live on the instance. */
  workDir?: string;
  /** ISO time printed in the runbook (inject the clock; omitted when not given). */
  generatedAt?: string;
}

export interface RsyncRunbookInput {
  migration: Pick<MigrationRecord, 'id' | 'accountId' | 'region' | 'fileSystemId'>;
  source: FileSystemRecord;
  target: RsyncRunbookTarget;
  decision: MigrationDecision;
  /**
   * The one-time nonce verify.sh is bound to (hex, random): issued and stored with the migration
   * before the runbook is handed out (runbook-for-migration.ts); the bot accepts one summary with it.
   */
  verifyNonce: string;
  options?: RsyncRunbookOptions;
}

export interface RsyncRunbookCommands {
  mount: string;
  initial: string;
  incremental: string;
  finalDryRun: string;
  final: string;
  verify: string;
}

export interface RsyncRunbook {
  migrationId: string;
  accountId: string;
  region: string;
  sourceFileSystemId: string;
  targetFileSystemId: string;
  /** The nonce its verify.sh is bound to. */
  verifyNonce: string;
  /** For the download (files.uploadV2 `filename`). */
  filename: string;
  title: string;
  /** The whole runbook for people, scripts included as paste-able here-documents. */
  markdown: string;
  scripts: RunbookScript[];
  network: CopyNetworkPlan;
  instance: CopyInstancePlan;
  /** The command lines run on the instance, in order. */
  commands: RsyncRunbookCommands;
  warnings: string[];
}

const SAFE_WORD = /^[A-Za-z0-9_./:=@,+%-]+$/;

/** One argument for a POSIX shell. */
export function shellQuote(value: string): string {
  return SAFE_WORD.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

const HEREDOC_END = 'EFS_ENCRYPT_SCRIPT_END';

function heredoc(dir: string, script: RunbookScript): string {
  if (script.content.split('\n').includes(HEREDOC_END))
    // The scripts are files shipped with efs-encrypt, so this is a packaging error, not bad input.
    throw new InternalError(
      `the shipped script ${script.name} contains the line ${HEREDOC_END}, which would end its here-document early`,
    );
  const path = shellQuote(`${dir}/${script.name}`);
  return `cat > ${path} <<'${HEREDOC_END}'\n${script.content.replace(/\n?$/, '\n')}${HEREDOC_END}\nchmod 0755 ${path}`;
}

function policyWarnings(
  label: string,
  fileSystemId: string,
  policy: string | undefined,
  roleName: string,
): string[] {
  if (!policy) return [];
  const out: string[] = [];
  if (policy.includes('elasticfilesystem:AccessPointArn'))
    out.push(
      `The file system policy of ${label} ${fileSystemId} conditions access on an access point; the copy mounts the file system root. Add a statement allowing the role ${roleName} (ClientMount${label === 'target' ? ', ClientWrite' : ''}, ClientRootAccess) without that condition for the copy, and remove it afterwards.`,
    );
  if (/"Effect"\s*:\s*"Deny"/.test(policy))
    out.push(
      `The file system policy of ${label} ${fileSystemId} has Deny statements: check none of them applies to the role ${roleName}, or the mount fails with "access denied".`,
    );
  return out;
}

function accessPointLines(label: string, aps: AccessPointRecord[] | undefined): string[] {
  if (!aps?.length) return [];
  return [
    `Access points of the ${label} (the copy goes through the roots, so every access point's directory is copied with its owner and mode):`,
    '',
    ...aps.map((ap) => {
      const user = ap.posixUser ? `, runs as ${ap.posixUser.uid}:${ap.posixUser.gid}` : '';
      return `- \`${ap.accessPointId}\`${ap.name ? ` (${ap.name})` : ''}: \`${ap.rootDirectory?.path ?? '/'}\`${user}`;
    }),
    '',
  ];
}

function checkInput(input: RsyncRunbookInput): void {
  const { migration, source, target, decision } = input;
  if (decision.method !== 'rsync')
    throw new BadInputError(
      `${source.fileSystemId} is decided for ${METHOD_LABELS[decision.method]}, not EC2 + rsync: change the decision to generate an rsync runbook.`,
    );
  if (source.fileSystemId !== migration.fileSystemId)
    throw new BadInputError(
      `The source ${source.fileSystemId} is not the file system of migration ${migration.id}.`,
    );
  if (target.fileSystemId === source.fileSystemId)
    throw new BadInputError(
      `The target must be the encrypted twin, not the source ${source.fileSystemId} itself.`,
    );
  if (!/^[0-9a-f]{32,128}$/.test(input.verifyNonce ?? ''))
    throw new BadInputError(
      'The runbook needs the one-time verification nonce stored with the migration (32 or more hex digits); generate it through efs-encrypt (copy runbook, Post runbook).',
    );
  const jobs = input.options?.jobs;
  if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1 || jobs > 256))
    throw new BadInputError(`jobs must be a whole number from 1 to 256, not ${jobs}.`);
  for (const [name, value] of Object.entries({
    sourceDir: input.options?.sourceDir,
    targetDir: input.options?.targetDir,
    workDir: input.options?.workDir,
  }))
    if (value !== undefined && !value.startsWith('/'))
      throw new BadInputError(`${name} must be an absolute path, not "${value}".`);
}

export function generateRsyncRunbook(input: RsyncRunbookInput): RsyncRunbook {
  checkInput(input);
  const { migration, source, target, decision } = input;
  const o = input.options ?? {};
  const region = migration.region;
  const account = migration.accountId;
  const partition = partitionOf(region);
  const jobs = o.jobs ?? 16;
  const sourceDir = o.sourceDir ?? '/mnt/efs-src';
  const targetDir = o.targetDir ?? '/mnt/efs-dst';
  const workDir = o.workDir ?? '/root/efs-encrypt';
  const src = source.fileSystemId;
  const dst = target.fileSystemId;

  const network = planCopyNetwork({
    sourceFileSystemId: src,
    targetFileSystemId: dst,
    sourceMountTargets: source.mountTargets,
    targetMountTargets: target.mountTargets,
    networkPath: decision.networkPath,
  });
  const instance = planCopyInstance({
    migrationId: migration.id,
    sourceFileSystemId: src,
    instanceType: o.instanceType,
    sourceSizeBytes: source.sizeInBytes,
  });
  const sourceArn = source.fileSystemArn ?? fileSystemArn(region, account, src);
  const targetArn = target.fileSystemArn ?? fileSystemArn(region, account, dst);
  const warnings = [
    ...network.warnings,
    ...policyWarnings('source', src, source.fileSystemPolicy, instance.roleName),
    ...policyWarnings('target', dst, target.fileSystemPolicy, instance.roleName),
  ];
  const scripts = boundRsyncScripts({
    migrationId: migration.id,
    sourceFileSystemId: src,
    targetFileSystemId: dst,
    nonce: input.verifyNonce,
  });

  const q = shellQuote;
  const logs = `${workDir}/logs`;
  const copy = (mode: string, extra = '') =>
    `${q(`${workDir}/copy.sh`)} --jobs ${jobs} --log-dir ${q(logs)} --require-mounts${extra} ${mode} ${q(sourceDir)} ${q(targetDir)}`;
  const commands: RsyncRunbookCommands = {
    mount: `${q(`${workDir}/mount-efs.sh`)} --source-dir ${q(sourceDir)} --target-dir ${q(targetDir)} ${src} ${dst}`,
    initial: copy('initial'),
    incremental: copy('incremental'),
    finalDryRun: copy('final', ' --dry-run'),
    final: copy('final'),
    verify: `${q(`${workDir}/verify.sh`)} --jobs ${jobs} --log-dir ${q(`${workDir}/verify-logs`)} ${q(sourceDir)} ${q(targetDir)}`,
  };

  const awsRegion = `--region ${region}`;
  const tag = (type: string) =>
    `ResourceType=${type},Tags=[{Key=Name,Value=${instance.roleName}},{Key=efs-encrypt:migration,Value=${src}},{Key=efs-encrypt:target,Value=${dst}}]`;
  const sgCreate = !network.instanceSecurityGroupIds.length;
  const instanceSg = sgCreate ? '"$COPY_SG"' : network.instanceSecurityGroupIds.join(' ');
  const runInstances = (dryRun: boolean) =>
    [
      `aws ec2 run-instances ${awsRegion}${dryRun ? ' --dry-run' : ''} \\`,
      `  --client-token ${instance.clientToken} \\`,
      `  --image-id resolve:ssm:${instance.amiParameter} \\`,
      `  --instance-type ${instance.instanceType} \\`,
      `  --subnet-id ${network.subnetId} \\`,
      `  --security-group-ids ${instanceSg} \\`,
      `  --iam-instance-profile Name=${instance.instanceProfileName} \\`,
      `  --metadata-options HttpTokens=required \\`,
      `  --block-device-mappings 'DeviceName=/dev/xvda,Ebs={VolumeSize=${instance.rootVolumeGiB},VolumeType=gp3,Encrypted=true}' \\`,
      `  --tag-specifications '${tag('instance')}' '${tag('volume')}'`,
    ].join('\n');

  const c = decision.constraints ?? {};
  const md: string[] = [];
  const title = `EC2 + rsync runbook: ${src} → ${dst}`;
  md.push(
    `# ${title}`,
    '',
    `| | |`,
    `|---|---|`,
    `| Migration | \`${migration.id}\` |`,
    `| Account, region | ${account}, ${region} |`,
    `| Source (unencrypted) | \`${src}\`${source.name ? ` (${source.name})` : ''}, ${formatBytes(source.sizeInBytes)} metered |`,
    `| Target (encrypted) | \`${dst}\`, key \`${decision.targetKeyAsGiven ?? decision.targetKmsKeyId}\` |`,
    `| Copy instance | ${instance.instanceType} (${instance.architecture}, Amazon Linux 2023) in \`${network.subnetId}\`, ${network.availabilityZoneName ?? network.availabilityZone} |`,
    ...(c.maintenanceWindow ? [`| Maintenance window | ${c.maintenanceWindow} |`] : []),
    ...(c.expectedChangeRate ? [`| Expected change rate | ${c.expectedChangeRate} |`] : []),
    ...(c.notes ? [`| Notes | ${c.notes.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`] : []),
    ...(o.generatedAt ? [`| Generated | ${o.generatedAt} |`] : []),
    '',
    'The copy keeps numeric owners and groups, permissions (setuid, setgid, sticky), timestamps, hard links, symlinks (dangling ones too), sparse files, FIFOs and devices; ACLs and extended attributes where both file systems support them (EFS supports neither, so copy.sh turns them off and says so).',
    '',
    `Record progress after step 6 and step 8, in the Slack thread (**Initial copy done**, then **Final sync done** with the verification summary) or on the command line: \`efs-encrypt copy record ${src} --pass initial\`, then \`efs-encrypt copy record ${src} --pass final --summary SUMMARY_FILE\`.`,
    '',
    `This runbook's verify.sh is bound to migration \`${migration.id}\`, ${src} → ${dst} and a one-time nonce: the bot accepts its summary for this migration only, once. A summary from another migration's or an earlier runbook's verify.sh, or written by hand, is refused. To verify again after a recorded summary, generate the runbook again (**Post runbook**, or \`efs-encrypt copy runbook ${src} --out DIR\`) and use its new verify.sh.`,
    '',
  );
  if (warnings.length) md.push('## Check first', '', ...warnings.map((w) => `- ${w}`), '');

  md.push(
    '## 1. Network path',
    '',
    `Both file systems have an available mount target in ${network.availabilityZoneName ?? network.availabilityZone}: the instance runs there, so the mount helper resolves each file system to the mount target in its own zone.`,
    '',
    `- source mount target \`${network.sourceMountTarget.mountTargetId}\` in \`${network.sourceMountTarget.subnetId}\`${network.sourceMountTarget.ipAddress ? `, ${network.sourceMountTarget.ipAddress}` : ''}, security groups ${list(network.sourceMountTarget.securityGroups)}`,
    `- target mount target \`${network.targetMountTarget.mountTargetId}\` in \`${network.targetMountTarget.subnetId}\`${network.targetMountTarget.ipAddress ? `, ${network.targetMountTarget.ipAddress}` : ''}, security groups ${list(network.targetMountTarget.securityGroups)}`,
    '',
  );
  if (sgCreate) {
    md.push(
      'Create a security group for the instance (outbound open by default) and let it reach NFS (TCP 2049) on both mount targets. A rerun fails with `InvalidGroup.Duplicate` / `InvalidPermission.Duplicate`, which is fine; the lookup below finds the group either way.',
      '',
      '```bash',
      `aws ec2 create-security-group ${awsRegion} --vpc-id ${network.vpcId ?? 'VPC_ID_OF_THE_SUBNET'} --group-name ${instance.securityGroupName} --description 'efs-encrypt rsync copy of ${src}' --tag-specifications '${tag('security-group')}'`,
      `COPY_SG=$(aws ec2 describe-security-groups ${awsRegion} --filters Name=group-name,Values=${instance.securityGroupName} Name=vpc-id,Values=${network.vpcId ?? 'VPC_ID_OF_THE_SUBNET'} --query 'SecurityGroups[0].GroupId' --output text)`,
      ...network.mountTargetSecurityGroupIds.map(
        (sg) =>
          `aws ec2 authorize-security-group-ingress ${awsRegion} --group-id ${sg} --ip-permissions 'IpProtocol=tcp,FromPort=2049,ToPort=2049,UserIdGroupPairs=[{GroupId='"$COPY_SG"',Description=efs-encrypt-copy-${src}}]'`,
      ),
      '```',
      '',
    );
  } else {
    md.push(
      `The instance uses the decision's security groups ${list(network.instanceSecurityGroupIds)}, checked for NFS to both mount targets when the decision was recorded.`,
      '',
    );
  }

  md.push(
    '## 2. Instance role',
    '',
    'The mount helper presents this role to EFS (`-o iam`). The source gets no ClientWrite: with the read-only mount, the copy cannot change it. Reruns fail with `EntityAlreadyExists`, which is fine.',
    '',
    '```bash',
    `aws iam create-role --role-name ${instance.roleName} --assume-role-policy-document '${JSON.stringify(INSTANCE_TRUST_POLICY)}' --tags Key=efs-encrypt:migration,Value=${src}`,
    `aws iam put-role-policy --role-name ${instance.roleName} --policy-name ${instance.rolePolicyName} --policy-document '${JSON.stringify(instanceRolePolicy(sourceArn, targetArn))}'`,
    `aws iam attach-role-policy --role-name ${instance.roleName} --policy-arn arn:${partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`,
    `aws iam create-instance-profile --instance-profile-name ${instance.instanceProfileName}`,
    `aws iam add-role-to-instance-profile --instance-profile-name ${instance.instanceProfileName} --role-name ${instance.roleName}`,
    '```',
    '',
    '## 3. Launch the instance',
    '',
    `The client token is derived from the migration ID: running the launch again returns the same instance instead of starting a second one. Check with the dry run first (\`DryRunOperation\` means it would succeed).`,
    '',
    '```bash',
    runInstances(true),
    runInstances(false),
    `INSTANCE_ID=$(aws ec2 describe-instances ${awsRegion} --filters Name=client-token,Values=${instance.clientToken} --query 'Reservations[0].Instances[0].InstanceId' --output text)`,
    `aws ec2 wait instance-status-ok ${awsRegion} --instance-ids "$INSTANCE_ID"`,
    `aws ssm start-session ${awsRegion} --target "$INSTANCE_ID"`,
    '```',
    '',
    '## 4. Put the scripts on the instance',
    '',
    `In the session: \`sudo -i\`, then paste the here-documents from the appendix (they create ${scripts.map((s) => `\`${workDir}/${s.name}\``).join(', ')}). They are the files efs-encrypt tests; each prints its options with \`--help\`.`,
    '',
    '```bash',
    `mkdir -p ${q(workDir)} && cd ${q(workDir)}`,
    '```',
    '',
    '## 5. Mount both file systems',
    '',
    'Over TLS with the EFS mount helper; the source read-only, the roots (never an access point, whose POSIX user would overwrite owners). The dry run prints the commands.',
    '',
    '```bash',
    `${commands.mount} --dry-run`,
    commands.mount,
    '```',
    '',
    ...accessPointLines('source', source.accessPoints),
    ...accessPointLines('target', target.accessPoints),
    '## 6. Initial copy (applications keep running)',
    '',
    `Run it in \`tmux\` (\`dnf install -y tmux\`) or \`nohup\`: a large tree takes hours. Each run keeps its logs under \`${logs}\`; \`--dry-run\` lists what a pass would change.`,
    '',
    '```bash',
    commands.initial,
    '```',
    '',
    `Then click **Initial copy done** in the thread, or run \`efs-encrypt copy record ${src} --pass initial\`.`,
    '',
    '## 7. Incremental passes',
    '',
    'Repeat until a pass is short: each one shortens the final pass, which runs while writes are stopped.',
    '',
    '```bash',
    commands.incremental,
    '```',
    '',
    '## 8. Final pass and verification',
    '',
    `In the maintenance window${c.maintenanceWindow ? ` (${c.maintenanceWindow})` : ''}: stop every writer to ${src} (scale services to zero, unmount clients), then look at what the final pass would delete before it does.`,
    '',
    '```bash',
    commands.finalDryRun,
    commands.final,
    commands.verify,
    '```',
    '',
    `verify.sh prints every difference, then a block from \`${SUMMARY_START}\` to \`${SUMMARY_END}\` naming this migration, both file systems and the runbook's nonce, with both manifests' SHA-256 digests and their entry and byte counts. Paste that block (or attach \`summary\` from its log directory) with **Final sync done**, or run \`efs-encrypt copy record ${src} --pass final --summary ${q(`${workDir}/verify-logs`)}/<run>/summary\`: the migration becomes verified only when it says \`result: CLEAN\` (the command exits 1 and lists the differences otherwise). The bot also holds the source's byte count against the metered size the scan recorded, so a verification of an empty mount point is refused. If it lists differences, run the final pass again (writes may not have stopped), generate the runbook again for a new nonce, and verify with its verify.sh.`,
    '',
    '## 9. Clean up (after the migration is verified)',
    '',
    '```bash',
    `umount ${q(sourceDir)} ${q(targetDir)}   # on the instance`,
    `aws ec2 terminate-instances ${awsRegion} --instance-ids "$INSTANCE_ID"`,
    `aws ec2 wait instance-terminated ${awsRegion} --instance-ids "$INSTANCE_ID"`,
    ...(sgCreate
      ? [
          ...network.mountTargetSecurityGroupIds.map(
            (sg) =>
              `aws ec2 revoke-security-group-ingress ${awsRegion} --group-id ${sg} --ip-permissions 'IpProtocol=tcp,FromPort=2049,ToPort=2049,UserIdGroupPairs=[{GroupId='"$COPY_SG"'}]'`,
          ),
          `aws ec2 delete-security-group ${awsRegion} --group-id "$COPY_SG"`,
        ]
      : []),
    `aws iam remove-role-from-instance-profile --instance-profile-name ${instance.instanceProfileName} --role-name ${instance.roleName}`,
    `aws iam delete-instance-profile --instance-profile-name ${instance.instanceProfileName}`,
    `aws iam detach-role-policy --role-name ${instance.roleName} --policy-arn arn:${partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`,
    `aws iam delete-role-policy --role-name ${instance.roleName} --policy-name ${instance.rolePolicyName}`,
    `aws iam delete-role --role-name ${instance.roleName}`,
    '```',
    '',
    '## How the copy works',
    '',
    '- **Parallel, then one reconcile pass.** copy.sh splits the source into partitions (balanced by size with `fpart` when installed, which Amazon Linux 2023 does not package; otherwise one per top-level entry) and runs up to `--jobs` rsync processes on them. Parallel rsyncs cannot see each other, so a hard-link group split across partitions arrives as separate copies and no partition can see deletions. Every pass therefore ends with one `rsync -aHS --numeric-ids` over the whole tree, which re-links split groups onto one inode, fixes directory times, and (final pass only) deletes what is gone from the source. rsync skips deletions after any read error.',
    '- **Safety.** copy.sh refuses an empty source (an unmounted mount point), a source mounted read-write (`--require-mounts`), overlapping paths, and a second copy running at the same time; `--max-delete N` caps deletions.',
    '- **Not carried:** the file system settings (the build gave the twin its own lifecycle, backup and policy), access times and change times.',
    '',
    '## Appendix: scripts',
    '',
    ...scripts.flatMap((s) => [
      `### ${s.name}`,
      '',
      s.purpose,
      '',
      '```bash',
      heredoc(workDir, s),
      '```',
      '',
    ]),
  );

  return {
    migrationId: migration.id,
    accountId: account,
    region,
    sourceFileSystemId: src,
    targetFileSystemId: dst,
    verifyNonce: input.verifyNonce,
    filename: `efs-encrypt-rsync-runbook-${src}.md`,
    title,
    markdown: md.join('\n'),
    scripts,
    network,
    instance,
    commands,
    warnings,
  };
}

function list(ids: string[]): string {
  return ids.length ? ids.map((id) => `\`${id}\``).join(', ') : '(none listed)';
}

function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}
