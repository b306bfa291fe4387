import type { FileSystemRecord } from './inventory.ts';

/**
 * What the encrypted twin adds to the bill while both file systems exist (from the build until the
 * source is deleted): the build copies the source's settings, provisioned throughput included, and
 * the copy fills the twin with the source's data. Pure: quantities from the scan record, and a
 * price only where one was verified.
 *
 * Price: Amazon EFS pricing, https://aws.amazon.com/efs/pricing/ (US East (N. Virginia)), read
 * 2026-12-07: EFS Standard storage $0.30/GB-month. Storage is billed per GB-month as AWS meters
 * it (binary gigabytes, 2^30 bytes). The provisioned throughput and One Zone prices could not be
 * verified from that page when this was written, so only their quantities are shown.
 */
export const EFS_STANDARD_USD_PER_GB_MONTH = 0.3;
export const PRICE_LABEL = 'estimate, us-east-1 list prices';

export interface TwinCost {
  /** The source's metered size at the scan: what the twin will meter once the copy is done. */
  storageBytes: number;
  storageClass: 'Standard' | 'One Zone';
  /** Estimate at the us-east-1 list price; only for Standard (the one price verified). */
  storageUsdPerMonth?: number;
  /** Provisioned throughput billed again on the twin (the build copies it). */
  provisionedMibps?: number;
  throughputMode: string;
  /** One line each, for the review. */
  lines: string[];
}

function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(bytes < 10 * 1024 ** 3 ? 2 : 1)} GiB`;
}

const usd = (n: number) => `$${n < 10 ? n.toFixed(2) : Math.round(n).toLocaleString('en')}`;

export function twinCostOf(
  fs: Pick<
    FileSystemRecord,
    'sizeInBytes' | 'throughputMode' | 'provisionedThroughputInMibps' | 'availabilityZoneName' | 'region'
  >,
): TwinCost {
  const storageBytes = Math.max(0, fs.sizeInBytes ?? 0);
  const storageClass = fs.availabilityZoneName ? 'One Zone' : 'Standard';
  const throughputMode = fs.throughputMode ?? 'bursting';
  const storageUsdPerMonth =
    storageClass === 'Standard' ? (storageBytes / 1024 ** 3) * EFS_STANDARD_USD_PER_GB_MONTH : undefined;
  const provisionedMibps =
    throughputMode === 'provisioned' ? (fs.provisionedThroughputInMibps ?? undefined) : undefined;
  const elsewhere =
    fs.region !== 'us-east-1' ? ` (the file system is in ${fs.region}: its price differs)` : '';
  const lines = [
    storageUsdPerMonth !== undefined
      ? `Storage: ${gib(storageBytes)} metered at the scan, billed again on the twin until the source is deleted: about ${usd(storageUsdPerMonth)} a month (${PRICE_LABEL}: $${EFS_STANDARD_USD_PER_GB_MONTH.toFixed(2)}/GB-month EFS Standard${elsewhere}; what lifecycle moves to Infrequent Access or Archive costs less).`
      : `Storage: ${gib(storageBytes)} metered at the scan, billed again on the twin (${storageClass}) until the source is deleted; no price shown (the One Zone price was not verified).`,
    throughputMode === 'provisioned'
      ? `Provisioned throughput: ${provisionedMibps ?? '?'} MiB/s, billed again on the twin (the build copies it) until the source is deleted; see https://aws.amazon.com/efs/pricing/ for the price per MiB/s-month. Lower it on either file system once the copy is done if the applications do not need it twice.`
      : throughputMode === 'elastic'
        ? 'Throughput: Elastic, no fixed charge; billed per GB read and written, so the copy itself is billed (reads on the source, writes on the twin).'
        : "Throughput: Bursting, no throughput charge; the copy spends the source's burst credits (a DataSync bandwidth limit keeps some for its applications).",
  ];
  return {
    storageBytes,
    storageClass,
    ...(storageUsdPerMonth !== undefined ? { storageUsdPerMonth } : {}),
    ...(provisionedMibps !== undefined ? { provisionedMibps } : {}),
    throughputMode,
    lines,
  };
}
