import { gunzipSync, gzipSync } from 'node:zlib';
import type { ReferenceForm } from './consumers.ts';
import { CutoverPlanError } from './cutover-calls.ts';

/**
 * Rewrites EC2 user data so every way it names the source names the twin instead: the file system
 * ID (word-bounded, so `fs-0abc1` is not touched by `fs-0abc`), its DNS names (regional and
 * AZ-specific `<az>.fs-….efs.<region>.amazonaws.com`: the ID inside them is replaced, the rest
 * stays, since the twin is in the same region), `fs-…::fsap-…`, `accesspoint=fsap-…` (and any
 * bare or ARN-embedded source access point ID), and a source mount target's IP address, which
 * becomes the twin's mount target IP in the same AZ.
 *
 * One pass over the text with one pattern: a replacement is never scanned again, so a twin value
 * that happens to equal another source value (two AZs whose IPs swap) cannot be rewritten twice.
 */

export interface UserDataRewriteRules {
  sourceFileSystemId: string;
  twinFileSystemId: string;
  /** Every access point of the source: one found here without a twin is an error, not left behind. */
  sourceAccessPointIds: string[];
  /** Source access point ID → twin access point ID. */
  accessPoints: Record<string, string>;
  /** Every source mount target IP with its AZ. */
  sourceMountTargets: { availabilityZone: string; ipAddress: string }[];
  /** The twin's mount target IP per AZ. */
  twinIpByAvailabilityZone: Record<string, string>;
}

export interface UserDataReplacement {
  form: ReferenceForm;
  from: string;
  to: string;
  /** 1-based line of the original text. */
  line: number;
}

export interface UserDataRewrite {
  text: string;
  replacements: UserDataReplacement[];
}

/** fs-… optionally followed by ::fsap-…, a bare fsap-…, or a dotted quad not inside a longer number. */
const PATTERN =
  /\b(fs-[0-9a-f]+)(?:::(fsap-[0-9a-f]+))?\b|\b(fsap-[0-9a-f]+)\b|(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(?!\.?\d)/g;

export function rewriteUserDataText(text: string, rules: UserDataRewriteRules): UserDataRewrite {
  const sourceAps = new Set(rules.sourceAccessPointIds);
  const ipToAz = new Map(rules.sourceMountTargets.map((m) => [m.ipAddress, m.availabilityZone]));
  const replacements: UserDataReplacement[] = [];
  const lineAt = (offset: number) => text.slice(0, offset).split('\n').length;

  const twinAp = (ap: string, offset: number): string => {
    const twin = rules.accessPoints[ap];
    if (!twin)
      throw new CutoverPlanError(
        `User data line ${lineAt(offset)} mounts access point ${ap} of ${rules.sourceFileSystemId}, which the build did not copy to the twin. ` +
          'Create its twin (re-run the build) or change the user data, then review the cutover again.',
      );
    return twin;
  };

  const out = text.replace(
    PATTERN,
    (whole: string, fs?: string, fsAp?: string, ap?: string, ip?: string, offset = 0): string => {
      const line = lineAt(offset);
      if (fs !== undefined) {
        if (fs !== rules.sourceFileSystemId) return whole;
        if (fsAp !== undefined) {
          // Any access point paired with the source is the source's, known or not: never left behind.
          const to = `${rules.twinFileSystemId}::${twinAp(fsAp, offset)}`;
          replacements.push({ form: 'file-system-and-access-point', from: whole, to, line });
          return to;
        }
        const after = text.slice(offset + whole.length, offset + whole.length + 5);
        replacements.push({
          form: after === '.efs.' ? 'dns-name' : 'file-system-id',
          from: whole,
          to: rules.twinFileSystemId,
          line,
        });
        return rules.twinFileSystemId;
      }
      if (ap !== undefined) {
        if (!sourceAps.has(ap) && !rules.accessPoints[ap]) return whole;
        const to = twinAp(ap, offset);
        replacements.push({ form: 'access-point', from: whole, to, line });
        return to;
      }
      if (ip !== undefined) {
        const az = ipToAz.get(ip);
        if (az === undefined) return whole;
        const to = rules.twinIpByAvailabilityZone[az];
        if (!to)
          throw new CutoverPlanError(
            `User data line ${line} mounts ${ip}, the source's mount target in ${az}, and the twin has no mount target there. ` +
              `Add a mount target to ${rules.twinFileSystemId} in ${az} (or mount by DNS name), then review the cutover again.`,
          );
        replacements.push({ form: 'mount-target-ip', from: whole, to, line });
        return to;
      }
      return whole;
    },
  );
  return { text: out, replacements };
}

/** EC2 limits user data to 16 KB before base64 (RequestLaunchTemplateData.UserData, EC2 user guide). */
export const USER_DATA_LIMIT_BYTES = 16 * 1024;

export interface DecodedUserData {
  text: string;
  /** cloud-init accepts gzip-compressed user data; it is compressed again after the rewrite. */
  gzipped: boolean;
}

export function decodeUserData(base64: string): DecodedUserData {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b)
    return { text: gunzipSync(bytes).toString('utf8'), gzipped: true };
  return { text: bytes.toString('utf8'), gzipped: false };
}

export function encodeUserData(decoded: DecodedUserData, where: string): string {
  const raw = Buffer.from(decoded.text, 'utf8');
  const bytes = decoded.gzipped ? gzipSync(raw) : raw;
  if (bytes.length > USER_DATA_LIMIT_BYTES)
    throw new CutoverPlanError(
      `The rewritten user data of ${where} is ${bytes.length} bytes, over EC2's ${USER_DATA_LIMIT_BYTES}-byte limit. ` +
        'Shorten the user data (or compress it with gzip), then review the cutover again.',
    );
  return bytes.toString('base64');
}

/** Base64 in, base64 out, with what was replaced where. */
export function rewriteUserData(
  base64: string,
  rules: UserDataRewriteRules,
  where: string,
): { userData: string; replacements: UserDataReplacement[] } {
  const decoded = decodeUserData(base64);
  const { text, replacements } = rewriteUserDataText(decoded.text, rules);
  return { userData: encodeUserData({ ...decoded, text }, where), replacements };
}
