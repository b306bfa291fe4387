import { summariseAwsError } from '../../aws/aws-errors.ts';
import type { KeyLookup, NetworkFacts } from '../../domain/decision.ts';
import type { FileSystemRecord } from '../../domain/inventory.ts';
import type { KeyDirectory, KnownMountTarget, NetworkDirectory } from './ports.ts';

/**
 * The AWS reads behind one submission's checks (a plan modal page, a decision file), each made
 * once however many file systems need it. Slack waits 3 seconds for a modal's answer, and the
 * bot's rate limit spaces calls of one operation 100 ms apart, so a page of ten file systems that
 * asked per file system could miss that window, more so while a scan keeps the EFS limits busy:
 * - a key is looked up once per account, region and reference;
 * - the network path uses the mount targets and security-group memberships the scan recorded
 *   (the build makes the twin's mount targets from the same record), with the subnets and
 *   security-group rules read now in one DescribeSubnets and one DescribeSecurityGroups per
 *   account and region for the whole page. Where the scan could not read a file system's mount
 *   targets completely, that file system is read live instead.
 */
export interface PageLookups {
  key(ref: string, fs: FileSystemRecord): Promise<KeyLookup>;
  /** The network facts, or why they could not be read (shown next to the method). */
  network(fs: FileSystemRecord): Promise<NetworkFacts | string>;
}

export interface PageLookupDeps {
  keys: Pick<KeyDirectory, 'lookup'>;
  network: NetworkDirectory;
}

const MOUNT_TARGET_READS = new Set(['DescribeMountTargets', 'DescribeMountTargetSecurityGroups']);

/** The scan holds every mount target of the file system with its security groups. */
export function scannedMountTargetsComplete(fs: FileSystemRecord): boolean {
  return (
    fs.mountTargets.length === fs.numberOfMountTargets &&
    !fs.errors.some((e) => MOUNT_TARGET_READS.has(e.operation))
  );
}

function knownMountTargets(fs: FileSystemRecord): KnownMountTarget[] {
  return fs.mountTargets.map((m) => ({
    mountTargetId: m.mountTargetId,
    subnetId: m.subnetId,
    availabilityZone: m.availabilityZoneName,
    lifeCycleState: m.lifeCycleState,
    securityGroupIds: m.securityGroups,
  }));
}

function unreadable(e: unknown, permissions: string): string {
  const s = summariseAwsError(e);
  return `Could not check the network path (${s.code}: ${s.message}). The bot's role needs ${permissions}.`;
}

/** `withNetwork`: every file system of the submission whose method needs an NFS path. */
export function createPageLookups(deps: PageLookupDeps, withNetwork: FileSystemRecord[]): PageLookups {
  const keys = new Map<string, Promise<KeyLookup>>();
  const networks = new Map<string, Promise<NetworkFacts | string>>();
  const where = (fs: FileSystemRecord) => `${fs.accountId}/${fs.region}`;

  async function lookupKey(ref: string, fs: FileSystemRecord): Promise<KeyLookup> {
    try {
      return await deps.keys.lookup(ref, fs);
    } catch (e) {
      const s = summariseAwsError(e);
      return { kind: 'unreadable', ref, code: s.code, message: s.message };
    }
  }

  async function describeLive(fs: FileSystemRecord): Promise<NetworkFacts | string> {
    try {
      return await deps.network.describe(fs);
    } catch (e) {
      return unreadable(
        e,
        'elasticfilesystem:DescribeMountTargets, elasticfilesystem:DescribeMountTargetSecurityGroups, ec2:DescribeSubnets and ec2:DescribeSecurityGroups',
      );
    }
  }

  /** Subnets and groups of every scanned mount target of the page in this account and region. */
  async function describeRegion(fs: FileSystemRecord): Promise<NetworkFacts | string> {
    const members = withNetwork.filter((f) => where(f) === where(fs) && scannedMountTargetsComplete(f));
    const mountTargets = (members.includes(fs) ? members : [...members, fs]).flatMap(knownMountTargets);
    try {
      return await deps.network.describeKnown(fs, mountTargets);
    } catch (e) {
      return unreadable(e, 'ec2:DescribeSubnets and ec2:DescribeSecurityGroups');
    }
  }

  return {
    key(ref, fs) {
      const id = `${where(fs)}/${ref}`;
      let found = keys.get(id);
      if (!found) keys.set(id, (found = lookupKey(ref, fs)));
      return found;
    },
    async network(fs) {
      if (!scannedMountTargetsComplete(fs)) return describeLive(fs);
      let shared = networks.get(where(fs));
      if (!shared) networks.set(where(fs), (shared = describeRegion(fs)));
      const facts = await shared;
      // The region's subnets and groups are shared; the mount targets are this file system's own.
      return typeof facts === 'string' ? facts : { ...facts, mountTargets: knownMountTargets(fs) };
    },
  };
}
