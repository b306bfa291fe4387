import type {
  AccessPointDescription,
  FileSystemDescription,
  LifecyclePolicy,
  MountTargetDescription,
  ReplicationConfigurationDescription,
} from '@aws-sdk/client-efs';
import type { AliasListEntry, DescribeKeyCommandOutput } from '@aws-sdk/client-kms';
import type { NetworkInterface } from '@aws-sdk/client-ec2';
import type { FileSystemRecord, ScanFailure, ScanRecord } from '../../domain/inventory.ts';

/**
 * What the scan calls, declared by the scan itself (as temporalio/samples-typescript
 * `createActivities(deps)` injects its dependencies). src/aws's SdkEfsClient, SdkKmsClient and
 * AccountClients match these structurally (src/aws does not import workflows); the composition
 * root (src/cli/runtime.ts) hands them in, and TypeScript checks the fit there. Listings come back
 * whole: the adapter pages with the SDK's paginators under the rate limit.
 */

/** The EFS reads of a scan. */
export interface ScanEfs {
  listFileSystems(): Promise<FileSystemDescription[]>;
  listMountTargets(fileSystemId: string): Promise<MountTargetDescription[]>;
  /** Security groups of a mount target; none while it is not `available`. */
  mountTargetSecurityGroups(mountTarget: MountTargetDescription): Promise<string[]>;
  /** One file system's access points or, without one, every access point of the region. */
  listAccessPoints(fileSystemId?: string): Promise<AccessPointDescription[]>;
  /** One file system's replications (either side) or, without one, every one of the region; none is []. */
  listReplications(fileSystemId?: string): Promise<ReplicationConfigurationDescription[]>;
  lifecyclePolicies(fileSystemId: string): Promise<LifecyclePolicy[]>;
  /** ENABLED, DISABLED…, or undefined when none is set. */
  backupPolicyStatus(fileSystemId: string): Promise<string | undefined>;
  /** The resource policy JSON, or undefined when none is set. */
  fileSystemPolicy(fileSystemId: string): Promise<string | undefined>;
}

/** The KMS reads of a scan. */
export interface ScanKms {
  describeKey(input: { KeyId: string }): Promise<DescribeKeyCommandOutput>;
  /** Every alias of the region. */
  listAliases(): Promise<AliasListEntry[]>;
}

/** The EC2 read of a scan: mount targets' security groups, many network interfaces per call. */
export interface ScanEc2 {
  /** The network interfaces among these IDs; an ID that matches none is left out, not an error. */
  networkInterfaces(ids: string[]): Promise<NetworkInterface[]>;
}

/** What the scan reads in one account and region. */
export interface ScanClients {
  accountId: string;
  region: string;
  efs: ScanEfs;
  kms: ScanKms;
  /** Without it, each mount target's security groups are asked of EFS one by one. */
  ec2?: ScanEc2;
  /**
   * Resolves when the process keeps up with the calls already released: the scan starts reading
   * another file system only then, so a CPU-bound scan does not line up thousands of calls, each
   * holding its read's state. Without it, reads start as the file system concurrency allows.
   */
  whenCallsFlow?(): Promise<void>;
  /** The scan is done with this account and region: its clients may be dropped. */
  release?(): void;
}

export interface ScanTargets {
  accounts: string[];
  regions: string[];
  /** Accounts the source listed but will not hand on (suspended in the organisation…): reported as failures. */
  skipped?: Omit<ScanFailure, 'region'>[];
}

/** A scan's record without its file systems: what a scan keeps in memory while it runs. */
export type ScanSummary = Omit<ScanRecord, 'fileSystems'>;

/**
 * A running scan's way into the store: each account and region's file systems are written in
 * batches as they are read, and the scan becomes visible (a stored scan, the latest once finished) only at
 * `finish`, in one write. A scan that crashes before `finish` is no scan.
 */
export interface ScanWriter {
  /**
   * Records of one pair, in order, at `position` in the scan's order of pairs. A pair may come in
   * several batches, each written once the last one's promise resolved; they are read back in order.
   */
  writeFileSystems(position: number, records: FileSystemRecord[]): Promise<void>;
  finish(summary: ScanSummary): Promise<void>;
  /** Removes what was written (best effort) when the scan will not finish. */
  abandon(): Promise<void>;
}

/** A stored scan read as a stream: its summary, then its file systems as they are consumed. */
export interface StoredScan {
  summary: ScanSummary;
  fileSystems(): AsyncIterable<FileSystemRecord>;
}

/**
 * Where scans are kept (the scan writes them; the decide phase and the Slack app read them). The
 * store splits large scans across items (400 KB limit); tests use an in-memory fake.
 */
export interface ScanRepository {
  beginScan(scanId: string): ScanWriter;
  /** A whole scan at once (the same stored form as a streamed one). */
  saveScan(scan: ScanRecord): Promise<void>;
  getScan(scanId: string): Promise<ScanRecord | undefined>;
  /** The most recent finished scan, if any. */
  getLatestScan(): Promise<ScanRecord | undefined>;
  /** Newest first, without their file systems (cheap listing). */
  listScans(limit?: number): Promise<ScanSummary[]>;
}

/** Readers that stream a stored scan instead of holding it (exports of large inventories). */
export interface ScanStreams {
  openScan(scanId: string): Promise<StoredScan | undefined>;
  openLatestScan(): Promise<StoredScan | undefined>;
}
