/**
 * A coded failure reaching the command line: `efs-encrypt scan` against an STS (on loopback, in the
 * protocol's own XML) whose GetCallerIdentity answers without the Account. The scan records the
 * failure under its stable code with the message that says what to do; nothing is printed as an
 * unexpected error.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScanRecord } from '../../src/domain/inventory.ts';
import { ErrorCode } from '../../src/domain/errors.ts';
import { useExampleCredentials } from '../harness/sdk-env.ts';
import { runCli, useCliWorkspace } from './run-cli.ts';

useCliWorkspace('efs-encrypt-coded-errors-');

let sts: Server | undefined;
afterEach(async () => {
  sts?.closeAllConnections();
  await new Promise<void>((resolve) => (sts ? sts.close(() => resolve()) : resolve()));
  sts = undefined;
});

/** An STS endpoint answering every GetCallerIdentity successfully but with no Account element. */
async function stsWithoutAccount(): Promise<{ url: string; actions: string[] }> {
  const actions: string[] = [];
  sts = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      actions.push(new URLSearchParams(body).get('Action') ?? '');
      res
        .writeHead(200, { 'content-type': 'text/xml' })
        .end(
          '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">' +
            '<GetCallerIdentityResult><Arn>arn:aws:iam::999988887777:user/ops</Arn><UserId>AIDAEXAMPLE</UserId></GetCallerIdentityResult>' +
            '<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>',
        );
    });
  });
  await new Promise<void>((resolve) => sts!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(sts.address() as AddressInfo).port}`, actions };
}

describe('a coded failure on the command line', () => {
  it('records GetCallerIdentity answered without an account under efs_encrypt_response_incomplete, saying to try again', async () => {
    const { url, actions } = await stsWithoutAccount();
    useExampleCredentials('eu-west-1');
    Object.assign(process.env, { AWS_ENDPOINT_URL_STS: url, EFS_ENCRYPT_REGIONS: 'eu-west-1' });
    const { code, out, err } = await runCli('scan', '--json');
    expect(actions).toContain('GetCallerIdentity');
    expect(err).not.toContain('unexpected error');
    expect(err).toContain(`GetCallerIdentity failed with ${ErrorCode.ResponseIncomplete}`);
    expect(code).toBe(0);
    const scan = JSON.parse(out) as ScanRecord;
    expect(scan.fileSystems).toEqual([]);
    expect(scan.failures).toHaveLength(1);
    expect(scan.failures[0]).toMatchObject({
      accountId: '(caller)',
      operation: 'GetCallerIdentity',
      code: ErrorCode.ResponseIncomplete,
    });
    expect(scan.failures[0]!.message).toContain(
      'sts:GetCallerIdentity answered without an account ID, which efs-encrypt needs. Try again',
    );
  });
});
