import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeUserData,
  rewriteUserData,
  rewriteUserDataText,
  type UserDataRewriteRules,
} from '../../src/domain/cutover-user-data.ts';
import { AP_SOURCE, AP_TWIN, AP_UNCOPIED, SOURCE, TWIN } from '../fixtures/cutover.ts';

const rules: UserDataRewriteRules = {
  sourceFileSystemId: SOURCE,
  twinFileSystemId: TWIN,
  sourceAccessPointIds: [AP_SOURCE, AP_UNCOPIED],
  accessPoints: { [AP_SOURCE]: AP_TWIN },
  // The twin's IPs swap the source's: a second pass would turn them back.
  sourceMountTargets: [
    { availabilityZone: 'a', ipAddress: '10.0.1.15' },
    { availabilityZone: 'b', ipAddress: '10.0.2.25' },
  ],
  twinIpByAvailabilityZone: { a: '10.0.2.25', b: '10.0.1.15' },
};

describe('rewriteUserDataText', () => {
  it.each([
    ['file system ID', `mount -t efs ${SOURCE}:/ /data`, `mount -t efs ${TWIN}:/ /data`, 'file-system-id'],
    [
      'DNS name',
      `${SOURCE}.efs.eu-west-1.amazonaws.com:/ /data nfs4`,
      `${TWIN}.efs.eu-west-1.amazonaws.com:/ /data nfs4`,
      'dns-name',
    ],
    [
      'AZ-specific DNS name',
      `eu-west-1a.${SOURCE}.efs.eu-west-1.amazonaws.com:/`,
      `eu-west-1a.${TWIN}.efs.eu-west-1.amazonaws.com:/`,
      'dns-name',
    ],
    [
      'fs::fsap',
      `volumeHandle: ${SOURCE}::${AP_SOURCE}`,
      `volumeHandle: ${TWIN}::${AP_TWIN}`,
      'file-system-and-access-point',
    ],
    [
      'accesspoint= option',
      `mount -t efs -o tls,accesspoint=${AP_SOURCE} ${SOURCE}:/ /d`,
      `mount -t efs -o tls,accesspoint=${AP_TWIN} ${TWIN}:/ /d`,
      'access-point',
    ],
    [
      'mount target IP, swapped',
      'mount 10.0.1.15:/ /a; mount 10.0.2.25:/ /b',
      'mount 10.0.2.25:/ /a; mount 10.0.1.15:/ /b',
      'mount-target-ip',
    ],
  ])('rewrites the %s', (_what, input, expected, form) => {
    const out = rewriteUserDataText(input, rules);
    expect(out.text).toBe(expected);
    expect(out.replacements.map((r) => r.form)).toContain(form);
  });

  it.each([
    ['a longer file system ID', `${SOURCE}1 and x${SOURCE}`],
    ['another file system', 'fs-0999999999999999a.efs.eu-west-1.amazonaws.com'],
    ['an IP that only contains a source IP', '110.0.1.15 10.0.1.150 10.0.1.15.3'],
    ['another access point', 'accesspoint=fsap-0ddddddddddddddd1'],
  ])('leaves %s alone', (_what, input) => {
    expect(rewriteUserDataText(input, rules)).toEqual({ text: input, replacements: [] });
  });

  it('names the line of a source access point without a twin', () => {
    expect(() => rewriteUserDataText(`#!/bin/sh\nmount -o accesspoint=${AP_UNCOPIED} x`, rules)).toThrow(
      new RegExp(`line 2 mounts access point ${AP_UNCOPIED} .* did not copy`),
    );
  });

  it('refuses the source paired with an access point it has no twin for, rather than leave the source ID', () => {
    expect(() => rewriteUserDataText(`${SOURCE}::fsap-0eeeeeeeeeeeeeee1`, rules)).toThrow(
      /line 1 mounts access point fsap-0eeeeeeeeeeeeeee1/,
    );
  });

  it('refuses a source IP in an AZ where the twin has no mount target', () => {
    expect(() =>
      rewriteUserDataText('mount 10.0.1.15:/ /a', { ...rules, twinIpByAvailabilityZone: { b: '10.0.1.15' } }),
    ).toThrow(/the twin has no mount target there.* in a/);
  });

  const sourceForms = [
    SOURCE,
    `${SOURCE}.efs.eu-west-1.amazonaws.com`,
    `${SOURCE}::${AP_SOURCE}`,
    `accesspoint=${AP_SOURCE}`,
    '10.0.1.15',
    '10.0.2.25',
    AP_SOURCE,
  ];
  const twinForms = [
    TWIN,
    `${TWIN}.efs.eu-west-1.amazonaws.com`,
    `${TWIN}::${AP_TWIN}`,
    `accesspoint=${AP_TWIN}`,
    '10.0.2.25',
    '10.0.1.15',
    AP_TWIN,
  ];
  const filler = fc.constantFrom(
    ' ',
    '\n',
    ':/ ',
    ' /mnt/data ',
    ',',
    '\tmount -t efs ',
    ' # fstab\n',
    '"',
    '=',
  );

  it('puts the twin form exactly where each source form was, and leaves no source ID (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(filler, fc.nat(sourceForms.length - 1)), { maxLength: 30 }),
        filler,
        (parts, end) => {
          const input = parts.map(([f, i]) => f + sourceForms[i]).join('') + end;
          const expected = parts.map(([f, i]) => f + twinForms[i]).join('') + end;
          const out = rewriteUserDataText(input, rules);
          expect(out.text).toBe(expected);
          expect(out.replacements).toHaveLength(parts.length);
          expect(out.text).not.toContain(SOURCE);
          expect(out.text).not.toContain(AP_SOURCE);
        },
      ),
    );
  });
});

describe('rewriteUserData (base64)', () => {
  const script = `#!/bin/bash\nmount -t efs ${SOURCE}:/ /data\n`;

  it('decodes, rewrites and encodes plain user data', () => {
    const out = rewriteUserData(Buffer.from(script).toString('base64'), rules, 'lt-1 version 3');
    expect(Buffer.from(out.userData, 'base64').toString()).toBe(script.replace(SOURCE, TWIN));
    expect(out.replacements).toEqual([{ form: 'file-system-id', from: SOURCE, to: TWIN, line: 2 }]);
  });

  it('keeps gzip-compressed user data compressed', () => {
    const out = rewriteUserData(gzipSync(script).toString('base64'), rules, 'lt-1 version 3');
    expect(decodeUserData(out.userData)).toEqual({ text: script.replace(SOURCE, TWIN), gzipped: true });
  });

  it('refuses a result over 16 KB, naming the template', () => {
    const big = `${'#'.repeat(16 * 1024 - 22)}\nmount fs-01234567:/`;
    const old = { ...rules, sourceFileSystemId: 'fs-01234567' };
    expect(() => rewriteUserData(Buffer.from(big).toString('base64'), old, 'lt-1 version 3')).toThrow(
      /user data of lt-1 version 3 is \d+ bytes, over EC2's 16384-byte limit/,
    );
  });
});
