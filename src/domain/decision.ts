import { AWS_MANAGED_EFS_KEY_ALIAS, type FileSystemRecord, type KeyManager } from './inventory.ts';
import type { DecisionConstraints, MigrationMethod } from './migration.ts';

/**
 * What a person decides per unencrypted file system (scope, target key, method, constraints) and
 * the rules a choice must pass before it is stored. Pure: the facts (key metadata, security group
 * rules) are looked up by src/aws/ and handed in; every rule returns a reason a person can act on.
 */

export type { DecisionConstraints, MigrationMethod } from './migration.ts';

export const MIGRATION_METHODS = [
  'datasync',
  'rsync',
  'replication',
] as const satisfies readonly MigrationMethod[];

export const METHOD_LABELS: Record<MigrationMethod, string> = {
  datasync: 'AWS DataSync',
  rsync: 'EC2 + rsync',
  replication: 'EFS replication to an encrypted destination',
};

export function isMigrationMethod(value: unknown): value is MigrationMethod {
  return typeof value === 'string' && (MIGRATION_METHODS as readonly string[]).includes(value);
}

export type Scope = 'in_scope' | 'excluded';

/** Names a file system; account and region may be left out when the ID is unique in the scan. */
export interface FileSystemRef {
  accountId?: string;
  region?: string;
  fileSystemId: string;
}

/** One person's choice for one file system, as submitted (modal or decision file). */
export interface DecisionChoice extends FileSystemRef {
  scope: Scope;
  /** Required when excluded. */
  exclusionReason?: string;
  /** Key ID, key ARN, alias name or alias ARN; required when in scope. */
  targetKey?: string;
  /** Required when in scope. */
  method?: MigrationMethod;
  constraints?: DecisionConstraints;
}

/** The fields a reason can be attached to (the modal shows each next to its input). */
export type DecisionField =
  | 'fileSystem'
  | 'scope'
  | 'exclusionReason'
  | 'targetKey'
  | 'method'
  | 'maintenanceWindow'
  | 'expectedChangeRate'
  | 'bandwidthLimit'
  | 'notes';

export type FieldErrors = Partial<Record<DecisionField, string>>;

export const TEXT_LIMITS = {
  exclusionReason: 500,
  maintenanceWindow: 200,
  expectedChangeRate: 100,
  bandwidthLimit: 50,
  notes: 1000,
} as const;

const BANDWIDTH_UNITS: Record<string, number> = { b: 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

/**
 * A bandwidth limit as a person writes it ("50 MiB/s", "1.5 GiB/s", "800 KiB/s", "1048576 B/s")
 * in bytes per second, DataSync's Options.BytesPerSecond. Binary units only: DataSync's own
 * reference writes "1 MB" for 1,048,576, so "MB" would be read two ways; it is refused with the
 * unit to write instead.
 */
export function parseBandwidthLimit(text: string): { bytesPerSecond: number } | { error: string } {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB)\s*\/\s*s\s*$/i.exec(text);
  const how = 'write a number and KiB/s, MiB/s or GiB/s, e.g. "50 MiB/s"';
  if (!m) {
    const decimal = /^\s*\d+(?:\.\d+)?\s*([KMG])B(?:\/s|ps)?\s*$/i.exec(text);
    return {
      error: decimal
        ? `"${text.trim()}" is ambiguous (DataSync counts 1 MB as 1,048,576 bytes): write ${decimal[1]!.toUpperCase()}iB/s, e.g. "50 MiB/s".`
        : `"${text.trim()}" is not a bandwidth limit: ${how}.`,
    };
  }
  const bytesPerSecond = Math.round(Number(m[1]) * BANDWIDTH_UNITS[m[2]!.toLowerCase()]!);
  if (bytesPerSecond < 1)
    return { error: `"${text.trim()}" would stop the copy: ${how}, or leave it empty for no limit.` };
  return { bytesPerSecond };
}

// ---------------------------------------------------------------------------------------------
// Key references and key rules
// ---------------------------------------------------------------------------------------------

export type KeyReference =
  | { kind: 'key-id'; value: string }
  | { kind: 'alias'; value: string }
  | { kind: 'key-arn' | 'alias-arn'; value: string; region: string; accountId: string; partition: string };

const KEY_ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/i;
const ALIAS = /^alias\/[a-zA-Z0-9/_-]{1,250}$/;
const KMS_ARN = /^arn:(aws[a-z-]*):kms:([a-z0-9-]+):(\d{12}):(key\/.+|alias\/.+)$/;

/** Parses what a person typed as a key; returns a reason when it cannot be a KMS key reference. */
export function parseKeyReference(input: string): KeyReference | { error: string } {
  const ref = input.trim();
  if (!ref)
    return { error: 'Choose a key from the list or type a key ID, key ARN, alias name or alias ARN.' };
  const arn = KMS_ARN.exec(ref);
  if (arn) {
    const [, partition, region, accountId, resource] = arn as unknown as [
      string,
      string,
      string,
      string,
      string,
    ];
    if (resource.startsWith('key/') && !KEY_ID.test(resource.slice(4)))
      return { error: `"${ref}" is not a valid key ARN: the part after key/ must be a key ID.` };
    if (resource.startsWith('alias/') && !ALIAS.test(resource))
      return { error: `"${ref}" is not a valid alias ARN: alias names use letters, digits, /, _ and -.` };
    return {
      kind: resource.startsWith('key/') ? 'key-arn' : 'alias-arn',
      value: ref,
      region,
      accountId,
      partition,
    };
  }
  if (ref.startsWith('arn:'))
    return { error: `"${ref}" is not a KMS key or alias ARN (arn:aws:kms:REGION:ACCOUNT:key/ID).` };
  if (ref.startsWith('alias/')) {
    return ALIAS.test(ref)
      ? { kind: 'alias', value: ref }
      : { error: `"${ref}" is not a valid alias name: use letters, digits, /, _ and -.` };
  }
  if (KEY_ID.test(ref)) return { kind: 'key-id', value: ref };
  if (ALIAS.test(`alias/${ref}`) && !ref.includes(' '))
    return {
      error: `"${ref}" is neither a key ID nor an alias; alias names start with alias/ (did you mean alias/${ref}?).`,
    };
  return { error: `"${ref}" is not a key ID, key ARN, alias name or alias ARN.` };
}

/** Whether a reference names the AWS-managed EFS key in the given account and region. */
export function isAwsManagedEfsKeyRef(ref: KeyReference, accountId: string, region: string): boolean {
  if (ref.kind === 'alias') return ref.value === AWS_MANAGED_EFS_KEY_ALIAS;
  if (ref.kind === 'alias-arn')
    return (
      ref.value.endsWith(`:${AWS_MANAGED_EFS_KEY_ALIAS}`) &&
      ref.accountId === accountId &&
      ref.region === region
    );
  return false;
}

/** What KMS said about a key (DescribeKey), plus where the adapter found it. */
export interface KeyFacts {
  keyId: string;
  arn: string;
  accountId: string;
  region: string;
  keyState: string;
  keySpec?: string;
  keyUsage?: string;
  keyManager?: KeyManager;
  aliases: string[];
  deletionDate?: string;
  /**
   * For a key in another account: whether its key policy or a grant lets the file system's
   * account use it. The adapter establishes it; the rule only reads it.
   */
  crossAccountAccess?: boolean;
}

export type KeyLookup =
  | { kind: 'found'; key: KeyFacts }
  /** `alias/aws/elasticfilesystem` before its first use: EFS creates it when it first encrypts. */
  | { kind: 'aws-managed-not-yet-created'; aliasArn: string }
  | { kind: 'not-found'; ref: string; accountId: string; region: string }
  | { kind: 'invalid'; reason: string }
  | { kind: 'unreadable'; ref: string; code: string; message: string };

/** A key a person can pick, as the plan modal lists it. */
export interface KeyChoiceEntry {
  keyId: string;
  arn: string;
  aliases: string[];
  keyState: string;
  keyManager?: string;
  keySpec?: string;
  keyUsage?: string;
  description?: string;
}

/** "the key is in account X region Y; the file system is in account A region B." */
function elsewhere(
  key: { accountId: string; region: string },
  fs: { accountId: string; region: string },
): string {
  return `the key is in account ${key.accountId} region ${key.region}; the file system is in account ${fs.accountId} region ${fs.region}.`;
}

/** Every reason the key cannot protect this file system's twin; empty when it can. */
export function keyProblems(lookup: KeyLookup, fs: { accountId: string; region: string }): string[] {
  switch (lookup.kind) {
    case 'invalid':
      return [lookup.reason];
    case 'not-found':
      if (lookup.accountId === fs.accountId && lookup.region === fs.region)
        return [
          `Key ${lookup.ref} was not found in account ${lookup.accountId} ${lookup.region}. Check the ID or alias, or pick a key from the list.`,
        ];
      // An ARN that names another place: say where the key is and where the file system is.
      return [
        `Key ${lookup.ref} was not found: ${elsewhere(lookup, fs)}` +
          (lookup.region !== fs.region
            ? ` EFS needs a key in the file system's region (${fs.region}).`
            : '') +
          (lookup.accountId !== fs.accountId
            ? ` A key of another account must also allow account ${fs.accountId} in its key policy.`
            : '') +
          ` Pick a key of account ${fs.accountId} in ${fs.region}, or check the ARN.`,
      ];
    case 'unreadable':
      return [
        `Could not read key ${lookup.ref} (${lookup.code}: ${lookup.message}). The bot's role needs kms:DescribeKey on it.`,
      ];
    case 'aws-managed-not-yet-created':
      return [];
    case 'found':
      break;
  }
  const k = lookup.key;
  const name = k.aliases[0] ?? k.keyId;
  const problems: string[] = [];
  if (k.region !== fs.region)
    problems.push(
      k.accountId !== fs.accountId
        ? `Key ${name}: ${elsewhere(k, fs)} EFS needs a key in the same region. Pick a key in ${fs.region} (or a multi-Region replica there).`
        : `Key ${name} is in ${k.region} but the file system is in ${fs.region}; EFS needs a key in the same region. Pick a key in ${fs.region} (or a multi-Region replica there).`,
    );
  if (k.accountId !== fs.accountId && !k.crossAccountAccess)
    problems.push(
      `Key ${name} belongs to account ${k.accountId}, not ${fs.accountId}, and its key policy grants that account no use of it. Allow account ${fs.accountId} in the key policy (or a grant), or pick a key of ${fs.accountId}.`,
    );
  if (k.keyState === 'PendingDeletion' || k.keyState === 'PendingReplicaDeletion')
    problems.push(
      `Key ${name} is pending deletion${k.deletionDate ? ` (on ${k.deletionDate.slice(0, 10)})` : ''}. Cancel the deletion and enable it (kms cancel-key-deletion, enable-key), or pick another key.`,
    );
  else if (k.keyState === 'Disabled')
    problems.push(`Key ${name} is disabled. Enable it (kms enable-key) or pick another key.`);
  else if (k.keyState !== 'Enabled')
    problems.push(`Key ${name} is ${k.keyState}; it must be Enabled. Wait for it, or pick another key.`);
  if (k.keySpec && k.keySpec !== 'SYMMETRIC_DEFAULT')
    problems.push(
      `Key ${name} is ${k.keySpec.startsWith('HMAC') ? 'an HMAC' : 'an asymmetric'} key (${k.keySpec}); EFS needs a symmetric encryption key (SYMMETRIC_DEFAULT).`,
    );
  if (k.keyUsage && k.keyUsage !== 'ENCRYPT_DECRYPT')
    problems.push(`Key ${name} is for ${k.keyUsage}; EFS needs a key for ENCRYPT_DECRYPT.`);
  return problems;
}

/** The key manager a lookup implies: AWS for the AWS-managed EFS key. */
export function keyManagerOf(lookup: KeyLookup): KeyManager | undefined {
  if (lookup.kind === 'aws-managed-not-yet-created') return 'AWS';
  return lookup.kind === 'found' ? lookup.key.keyManager : undefined;
}

/** The ARN the twin is encrypted with: the key's ARN, or the alias ARN of a not-yet-created AWS key. */
export function resolvedKeyArn(lookup: KeyLookup): string | undefined {
  if (lookup.kind === 'found') return lookup.key.arn;
  return lookup.kind === 'aws-managed-not-yet-created' ? lookup.aliasArn : undefined;
}

// ---------------------------------------------------------------------------------------------
// Policy rules from config
// ---------------------------------------------------------------------------------------------

export const POLICY_REQUIREMENTS = ['require-cmk', 'no-exclusion'] as const;
export type PolicyRequirement = (typeof POLICY_REQUIREMENTS)[number];

/** `tagKey=tagValue:requirement`, e.g. `env=prod:require-cmk`. Tag keys match case-insensitively. */
export interface PolicyRule {
  tagKey: string;
  tagValue: string;
  requirement: PolicyRequirement;
}

export const POLICY_RULES_SYNTAX =
  'comma-separated tag=value:requirement, requirement one of require-cmk, no-exclusion (e.g. "env=prod:require-cmk")';

/** Parses EFS_ENCRYPT_POLICY_RULES; `problems` names each bad entry. */
export function parsePolicyRules(text: string | undefined): { rules: PolicyRule[]; problems: string[] } {
  const rules: PolicyRule[] = [];
  const problems: string[] = [];
  for (const entry of (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([^=:]+)=([^:]+):([a-z-]+)$/.exec(entry);
    const requirement = m?.[3];
    if (!m || !(POLICY_REQUIREMENTS as readonly string[]).includes(requirement ?? '')) {
      problems.push(`"${entry}" is not ${POLICY_RULES_SYNTAX}`);
      continue;
    }
    rules.push({
      tagKey: m[1]!.trim(),
      tagValue: m[2]!.trim(),
      requirement: requirement as PolicyRequirement,
    });
  }
  return { rules, problems };
}

export function formatPolicyRule(rule: PolicyRule): string {
  return `${rule.tagKey}=${rule.tagValue}:${rule.requirement}`;
}

/** The rules whose tag matches this file system. */
export function matchingRules(rules: PolicyRule[], fs: Pick<FileSystemRecord, 'tags'>): PolicyRule[] {
  const tags = new Map(Object.entries(fs.tags).map(([k, v]) => [k.toLowerCase(), v]));
  return rules.filter((r) => tags.get(r.tagKey.toLowerCase()) === r.tagValue);
}

/** Policy violations, by the field a person must change. */
export function policyProblems(
  rules: PolicyRule[],
  fs: Pick<FileSystemRecord, 'tags'>,
  choice: { scope: Scope; keyManager?: KeyManager },
): FieldErrors {
  const errors: FieldErrors = {};
  for (const rule of matchingRules(rules, fs)) {
    const why = `policy ${formatPolicyRule(rule)} (EFS_ENCRYPT_POLICY_RULES)`;
    if (rule.requirement === 'no-exclusion' && choice.scope === 'excluded')
      errors.scope ??= `File systems tagged ${rule.tagKey}=${rule.tagValue} cannot be excluded: ${why}.`;
    if (
      rule.requirement === 'require-cmk' &&
      choice.scope === 'in_scope' &&
      choice.keyManager &&
      choice.keyManager !== 'CUSTOMER'
    )
      errors.targetKey ??= `File systems tagged ${rule.tagKey}=${rule.tagValue} must use a customer-managed key, not the AWS-managed one: ${why}.`;
  }
  return errors;
}

// ---------------------------------------------------------------------------------------------
// Network path for DataSync and rsync
// ---------------------------------------------------------------------------------------------

/** One inbound rule of a security group, reduced to what the NFS check reads. */
export interface IngressRule {
  /** `tcp`, `udp`, `icmp`, a protocol number, or `-1` for all. */
  protocol: string;
  fromPort?: number;
  toPort?: number;
  cidrs: string[];
  groupIds: string[];
}

export interface NetworkFacts {
  mountTargets: {
    mountTargetId: string;
    subnetId: string;
    availabilityZone?: string;
    lifeCycleState: string;
    securityGroupIds: string[];
  }[];
  subnets: Record<string, { cidr?: string; availabilityZone?: string; vpcId?: string }>;
  securityGroups: Record<string, { ingress: IngressRule[] }>;
}

export interface NetworkVerdict {
  ok: boolean;
  /** Where the copy agent can run: a subnet of the source whose groups let it reach both file systems. */
  path?: { availabilityZone?: string; subnetId: string; securityGroupIds: string[] };
  problems: string[];
}

export const NFS_PORT = 2049;

function ipv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

/** Whether IPv4 CIDR `outer` contains every address of `inner`. */
export function cidrContains(outer: string, inner: string): boolean {
  const [oa, ob] = outer.split('/');
  const [ia, ib] = inner.split('/');
  const o = ipv4(oa ?? '');
  const i = ipv4(ia ?? '');
  const oBits = Number(ob ?? 32);
  const iBits = Number(ib ?? 32);
  if (o === undefined || i === undefined || !(oBits >= 0 && oBits <= 32) || !(iBits >= 0 && iBits <= 32))
    return false;
  if (iBits < oBits) return false;
  const size = 2 ** (32 - oBits);
  return Math.floor(o / size) === Math.floor(i / size);
}

function allowsNfs(rule: IngressRule): boolean {
  if (rule.protocol === '-1' || rule.protocol === 'all') return true;
  if (rule.protocol !== 'tcp' && rule.protocol !== '6') return false;
  return (rule.fromPort ?? 0) <= NFS_PORT && NFS_PORT <= (rule.toPort ?? 65535);
}

/** Whether any of `groupIds` admits TCP 2049 from the agent (its subnet's CIDR or one of its groups). */
function groupsAdmit(
  facts: NetworkFacts,
  groupIds: string[],
  agent: { cidr?: string; groupIds: string[] },
): boolean {
  return groupIds.some((g) =>
    (facts.securityGroups[g]?.ingress ?? []).some(
      (r) =>
        allowsNfs(r) &&
        (r.groupIds.some((id) => agent.groupIds.includes(id)) ||
          (agent.cidr !== undefined && r.cidrs.some((c) => cidrContains(c, agent.cidr!)))),
    ),
  );
}

/**
 * Whether DataSync or rsync can reach both the source and its twin over NFS. The twin gets mount
 * targets in the same subnets with the same security groups as the source, so the two share every
 * AZ of the source; the copy agent (the DataSync EFS location's network interface, or the rsync
 * instance) runs in one of those subnets with that mount target's security groups. A path exists
 * when, in some AZ, those groups admit TCP 2049 from the agent's groups or its subnet's CIDR.
 * Egress is not checked: security groups allow all egress unless someone removed it.
 */
export function checkNetworkPath(method: MigrationMethod, facts: NetworkFacts): NetworkVerdict {
  if (method === 'replication') return { ok: true, problems: [] };
  const label = METHOD_LABELS[method];
  const available = facts.mountTargets.filter((mt) => mt.lifeCycleState === 'available');
  if (available.length === 0) {
    const why = facts.mountTargets.length
      ? `none of its ${facts.mountTargets.length} mount targets is available (${facts.mountTargets.map((m) => `${m.mountTargetId} ${m.lifeCycleState}`).join(', ')})`
      : 'it has no mount targets';
    return {
      ok: false,
      problems: [
        `${label} needs an NFS path, but ${why}. Add a mount target in the subnet the copy should run from (the twin gets one in the same subnet), or choose EFS replication.`,
      ],
    };
  }
  const problems: string[] = [];
  for (const mt of available) {
    const subnet = facts.subnets[mt.subnetId];
    const az = mt.availabilityZone ?? subnet?.availabilityZone;
    const agent = { cidr: subnet?.cidr, groupIds: mt.securityGroupIds };
    if (groupsAdmit(facts, mt.securityGroupIds, agent))
      return {
        ok: true,
        path: { availabilityZone: az, subnetId: mt.subnetId, securityGroupIds: mt.securityGroupIds },
        problems: [],
      };
    const groups = mt.securityGroupIds.length ? mt.securityGroupIds.join(', ') : 'no security group';
    const from = subnet?.cidr ? `${subnet.cidr} (${mt.subnetId})` : `subnet ${mt.subnetId} (CIDR unknown)`;
    problems.push(
      `${az ?? mt.subnetId}: ${groups} of ${mt.mountTargetId} admit no TCP ${NFS_PORT} from ${from} or from ${mt.securityGroupIds[0] ?? 'a copy-agent group'} itself`,
    );
  }
  return {
    ok: false,
    problems: [
      `${label} has no NFS path to both file systems: ${problems.join('; ')}. Add an inbound rule for TCP ${NFS_PORT} from the subnet's CIDR or from the group itself, or choose EFS replication.`,
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// The whole choice
// ---------------------------------------------------------------------------------------------

export interface ChoiceFacts {
  fileSystem: FileSystemRecord;
  /** Looked up when the choice is in scope and names a key. */
  key?: KeyLookup;
  /** Looked up when the method is DataSync or rsync. */
  network?: NetworkFacts;
  policy: PolicyRule[];
}

export interface ChoiceVerdict {
  errors: FieldErrors;
  ok: boolean;
  networkPath?: NetworkVerdict['path'];
}

function tooLong(value: string | undefined, max: number, what: string): string | undefined {
  return value !== undefined && value.length > max
    ? `${what} is ${value.length} characters; keep it under ${max}.`
    : undefined;
}

/** Every rule, by field. A field without an entry passed. */
export function evaluateChoice(choice: DecisionChoice, facts: ChoiceFacts): ChoiceVerdict {
  const fs = facts.fileSystem;
  const errors: FieldErrors = {};
  let networkPath: NetworkVerdict['path'];
  const set = (field: DecisionField, message: string | undefined) => {
    if (message && !errors[field]) errors[field] = message;
  };

  if (choice.scope !== 'in_scope' && choice.scope !== 'excluded') {
    set('scope', 'Choose whether the file system is in scope or excluded.');
  } else if (choice.scope === 'excluded') {
    const reason = choice.exclusionReason?.trim() ?? '';
    if (!reason) set('exclusionReason', 'An exclusion needs a reason (e.g. "scratch data, deleted in Q3").');
    set('exclusionReason', tooLong(reason, TEXT_LIMITS.exclusionReason, 'The reason'));
  } else {
    if (fs.encrypted)
      set(
        'fileSystem',
        `${fs.fileSystemId} is already encrypted; there is nothing to migrate. Exclude it instead.`,
      );
    if (fs.lifeCycleState !== 'available')
      set('fileSystem', `${fs.fileSystemId} is ${fs.lifeCycleState}; decide once it is available.`);
    if (!choice.targetKey?.trim())
      set(
        'targetKey',
        'Choose a target key: alias/aws/elasticfilesystem or a customer-managed key of this account and region.',
      );
    else if (facts.key) set('targetKey', keyProblems(facts.key, fs).join(' '));
    if (!choice.method)
      set('method', `Choose a method: ${MIGRATION_METHODS.map((m) => METHOD_LABELS[m]).join(', ')}.`);
    else if (!isMigrationMethod(choice.method))
      set('method', `"${String(choice.method)}" is not one of ${MIGRATION_METHODS.join(', ')}.`);
    else if (choice.method === 'replication') set('method', replicationProblem(fs));
    else if (facts.network) {
      const verdict = checkNetworkPath(choice.method, facts.network);
      if (verdict.ok) networkPath = verdict.path;
      else set('method', verdict.problems.join(' '));
    }
    const c = choice.constraints ?? {};
    set(
      'maintenanceWindow',
      tooLong(c.maintenanceWindow, TEXT_LIMITS.maintenanceWindow, 'The maintenance window'),
    );
    set(
      'expectedChangeRate',
      tooLong(c.expectedChangeRate, TEXT_LIMITS.expectedChangeRate, 'The expected change rate'),
    );
    set('notes', tooLong(c.notes, TEXT_LIMITS.notes, 'The notes'));
    if (c.bandwidthLimit?.trim()) {
      const limit = parseBandwidthLimit(c.bandwidthLimit);
      if ('error' in limit) set('bandwidthLimit', limit.error);
      else if (choice.method && choice.method !== 'datasync')
        set(
          'bandwidthLimit',
          `The bandwidth limit applies to DataSync copies; ${METHOD_LABELS[choice.method as MigrationMethod] ?? choice.method} does not use it. Clear it, or choose DataSync.`,
        );
    }
  }
  if (choice.scope === 'in_scope' || choice.scope === 'excluded') {
    const policy = policyProblems(facts.policy, fs, {
      scope: choice.scope,
      keyManager: facts.key ? keyManagerOf(facts.key) : undefined,
    });
    for (const [field, message] of Object.entries(policy)) set(field as DecisionField, message);
  }
  return { errors, ok: Object.keys(errors).length === 0, networkPath };
}

/** EFS allows a file system in one replication configuration only (CreateReplicationConfiguration). */
function replicationProblem(fs: FileSystemRecord): string | undefined {
  const existing = fs.replications[0];
  if (!existing) return undefined;
  if (existing.role === 'destination')
    return `${fs.fileSystemId} is the destination of a replication from ${existing.sourceFileSystemId}; a file system can be in one replication configuration only. Choose DataSync or rsync, or migrate the source instead.`;
  const to = existing.destinations.map((d) => `${d.fileSystemId} in ${d.region}`).join(', ');
  return `${fs.fileSystemId} already replicates to ${to || 'another file system'}; a file system can be in one replication configuration only. Delete that replication first, or choose DataSync or rsync.`;
}
