import { randomBytes } from 'node:crypto';

/**
 * Scan IDs sort by time as plain strings (compact ISO-8601 UTC, millisecond precision) and stay
 * unique across replicas thanks to a random suffix: `20260101T000000123Z-3f9a1c2b`.
 */
export function newScanId(now: Date, random: () => string = () => randomBytes(4).toString('hex')): string {
  return `${now.toISOString().replace(/[-:.]/g, '')}-${random()}`;
}
