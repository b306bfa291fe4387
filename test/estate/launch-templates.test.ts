import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  CreateLaunchTemplateVersionCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  EC2Client,
  EC2ServiceException,
  ModifyLaunchTemplateCommand,
  paginateDescribeLaunchTemplateVersions,
  paginateDescribeLaunchTemplates,
} from '@aws-sdk/client-ec2';
import { ManualClock } from '../../src/domain/clock.ts';
import { loadEstateFile } from '../../src/estate/load.ts';
import { SAMPLE_ESTATE_PATH } from '../../src/estate/samples/index.ts';
import { startEstateServer, type EstateServer } from '../../src/estate/server.ts';
import { BASE_CREDENTIALS } from './helpers.ts';

const TEMPLATE_ID = 'lt-0a1b2c3d4e5f60711';
const FS = 'fs-6c6ef29eee9d07da5';
const NOW = new Date('2026-02-01T12:00:00Z');

let server: EstateServer;
let ec2: EC2Client;

beforeAll(async () => {
  server = await startEstateServer({
    estate: await loadEstateFile(SAMPLE_ESTATE_PATH),
    clock: new ManualClock(NOW),
  });
  ec2 = new EC2Client({
    region: 'us-east-1',
    endpoint: server.endpoint,
    credentials: BASE_CREDENTIALS,
    maxAttempts: 1,
  });
});
afterAll(() => server.close());

const decode = (base64: string | undefined) => Buffer.from(base64 ?? '', 'base64').toString('utf8');

/** The error an EC2 call fails with, as the SDK raised it. */
async function failure(call: Promise<unknown>): Promise<EC2ServiceException> {
  try {
    await call;
  } catch (e) {
    expect(e).toBeInstanceOf(EC2ServiceException);
    return e as EC2ServiceException;
  }
  throw new Error('expected the call to fail');
}

describe('DescribeLaunchTemplates', () => {
  test('the sample templates with their default and latest versions and tags', async () => {
    const { LaunchTemplates } = await ec2.send(new DescribeLaunchTemplatesCommand({}));
    expect(LaunchTemplates!.map((t) => t.LaunchTemplateName)).toEqual([
      'gitlab-runner',
      'gitlab-runner-spot',
    ]);
    expect(LaunchTemplates![0]).toEqual({
      LaunchTemplateId: TEMPLATE_ID,
      LaunchTemplateName: 'gitlab-runner',
      CreateTime: new Date('2025-03-04T10:00:00Z'),
      CreatedBy: 'arn:aws:iam::210987654321:root',
      DefaultVersionNumber: 2,
      LatestVersionNumber: 2,
      Tags: [
        { Key: 'app', Value: 'gitlab-runner' },
        { Key: 'owner', Value: 'platform-team@example.com' },
      ],
    });
  });

  test('by ID, by name, by tag filter, and page by page', async () => {
    const byId = await ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [TEMPLATE_ID] }));
    expect(byId.LaunchTemplates!.map((t) => t.LaunchTemplateName)).toEqual(['gitlab-runner']);
    const byName = await ec2.send(
      new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: ['gitlab-runner-spot'] }),
    );
    expect(byName.LaunchTemplates!.map((t) => t.LaunchTemplateId)).toEqual(['lt-0a1b2c3d4e5f60722']);
    const byFilter = await ec2.send(
      new DescribeLaunchTemplatesCommand({
        Filters: [{ Name: 'launch-template-name', Values: ['*-spot'] }],
      }),
    );
    expect(byFilter.LaunchTemplates!.map((t) => t.LaunchTemplateName)).toEqual(['gitlab-runner-spot']);
    const pages = [];
    for await (const page of paginateDescribeLaunchTemplates(
      { client: ec2, pageSize: 1 },
      { Filters: [{ Name: 'tag:app', Values: ['gitlab-runner'] }] },
    ))
      pages.push(page.LaunchTemplates!.map((t) => t.LaunchTemplateName));
    expect(pages).toEqual([['gitlab-runner'], ['gitlab-runner-spot']]);
  });

  test('unknown and malformed templates fail with EC2 codes', async () => {
    expect(
      await failure(
        ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: ['lt-0fffffffffffffff0'] })),
      ),
    ).toMatchObject({
      name: 'InvalidLaunchTemplateId.NotFound',
      message: 'The specified launch template, with template ID lt-0fffffffffffffff0, does not exist.',
      $metadata: { httpStatusCode: 400 },
    });
    expect(
      await failure(ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: ['nope'] }))),
    ).toMatchObject({ name: 'InvalidLaunchTemplateName.NotFoundException' });
    expect(
      await failure(ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: ['gitlab-runner'] }))),
    ).toMatchObject({ name: 'InvalidLaunchTemplateId.Malformed' });
  });
});

describe('DescribeLaunchTemplateVersions', () => {
  test('$Default and $Latest resolve to numbers; user data arrives base64-encoded', async () => {
    const { LaunchTemplateVersions } = await ec2.send(
      new DescribeLaunchTemplateVersionsCommand({
        LaunchTemplateName: 'gitlab-runner',
        Versions: ['$Default', '$Latest', '1'],
      }),
    );
    // $Default and $Latest are both version 2: it is answered once.
    expect(LaunchTemplateVersions!.map((v) => [v.VersionNumber, v.DefaultVersion])).toEqual([
      [2, true],
      [1, false],
    ]);
    const [v2, v1] = LaunchTemplateVersions!;
    expect(v2!.LaunchTemplateData!.UserData).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(decode(v2!.LaunchTemplateData!.UserData)).toContain(
      `${FS}.efs.us-east-1.amazonaws.com:/ /cache nfs4 nfsvers=4.1,`,
    );
    expect(decode(v2!.LaunchTemplateData!.UserData)).toContain('mount -a');
    expect(decode(v1!.LaunchTemplateData!.UserData)).not.toContain(FS);
    expect(v2).toMatchObject({
      LaunchTemplateId: TEMPLATE_ID,
      VersionDescription: 'shared cache on EFS (NFS, /etc/fstab)',
      CreateTime: new Date('2025-06-12T15:30:00Z'),
      LaunchTemplateData: {
        ImageId: 'ami-0a1b2c3d4e5f60718',
        InstanceType: 'm6i.large',
        IamInstanceProfile: { Name: 'gitlab-runner' },
        SecurityGroupIds: ['sg-0c1e0a51b2d3e4f5a'],
        MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 },
        TagSpecifications: [
          {
            ResourceType: 'instance',
            Tags: expect.arrayContaining([{ Key: 'owner', Value: 'platform-team@example.com' }]) as unknown,
          },
        ],
      },
    });
  });

  test('the spot template mounts with amazon-efs-utils', async () => {
    const { LaunchTemplateVersions } = await ec2.send(
      new DescribeLaunchTemplateVersionsCommand({
        LaunchTemplateId: 'lt-0a1b2c3d4e5f60722',
        Versions: ['$Latest'],
      }),
    );
    expect(decode(LaunchTemplateVersions![0]!.LaunchTemplateData!.UserData)).toContain(
      `mount -t efs -o tls ${FS}:/ /cache`,
    );
  });

  test('without Versions: every version newest first, paged', async () => {
    const numbers: number[][] = [];
    for await (const page of paginateDescribeLaunchTemplateVersions(
      { client: ec2, pageSize: 1 },
      { LaunchTemplateId: TEMPLATE_ID, MaxVersion: '2' },
    ))
      numbers.push(page.LaunchTemplateVersions!.map((v) => v.VersionNumber!));
    expect(numbers).toEqual([[2], [1]]);
    const defaults = await ec2.send(
      new DescribeLaunchTemplateVersionsCommand({
        LaunchTemplateId: TEMPLATE_ID,
        Filters: [{ Name: 'is-default-version', Values: ['true'] }],
      }),
    );
    expect(defaults.LaunchTemplateVersions!.map((v) => v.VersionNumber)).toEqual([2]);
  });

  test('a missing version or template fails with EC2 codes', async () => {
    expect(
      await failure(
        ec2.send(
          new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: TEMPLATE_ID, Versions: ['7'] }),
        ),
      ),
    ).toMatchObject({
      name: 'InvalidLaunchTemplateId.VersionNotFound',
      message: `Could not find the specified version 7 for the launch template with ID ${TEMPLATE_ID}.`,
    });
    expect(
      await failure(ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: 'nope' }))),
    ).toMatchObject({
      name: 'InvalidLaunchTemplateName.NotFoundException',
      message: 'The specified launch template, with template name nope, does not exist.',
    });
    expect(
      await failure(
        ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: 'lt-0fffffffffffffff0' })),
      ),
    ).toMatchObject({ name: 'InvalidLaunchTemplateId.NotFound' });
    expect(await failure(ec2.send(new DescribeLaunchTemplateVersionsCommand({})))).toMatchObject({
      name: 'MissingParameter',
    });
  });

  test('with neither ID nor name, the $Latest version of every template', async () => {
    const { LaunchTemplateVersions } = await ec2.send(
      new DescribeLaunchTemplateVersionsCommand({ Versions: ['$Latest'] }),
    );
    expect(LaunchTemplateVersions!.map((v) => [v.LaunchTemplateName, v.VersionNumber])).toEqual([
      ['gitlab-runner', 2],
      ['gitlab-runner-spot', 1],
    ]);
  });
});

describe('CreateLaunchTemplateVersion and ModifyLaunchTemplate', () => {
  const rewritten = (source: string) => source.replaceAll(FS, 'fs-0123456789abcdef0');

  test('a version from a source version keeps what is not given, replaces what is; the default does not move', async () => {
    const [source] = (
      await ec2.send(
        new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: TEMPLATE_ID, Versions: ['$Default'] }),
      )
    ).LaunchTemplateVersions!;
    const script = rewritten(decode(source!.LaunchTemplateData!.UserData));
    const created = await ec2.send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateId: TEMPLATE_ID,
        SourceVersion: '$Default',
        VersionDescription: 'cache on the encrypted twin',
        ClientToken: 'cutover-1',
        LaunchTemplateData: { UserData: Buffer.from(script).toString('base64') },
      }),
    );
    expect(created.LaunchTemplateVersion).toMatchObject({
      LaunchTemplateId: TEMPLATE_ID,
      LaunchTemplateName: 'gitlab-runner',
      VersionNumber: 3,
      DefaultVersion: false,
      VersionDescription: 'cache on the encrypted twin',
      CreateTime: NOW,
      LaunchTemplateData: {
        ImageId: 'ami-0a1b2c3d4e5f60718',
        InstanceType: 'm6i.large',
        SecurityGroupIds: ['sg-0c1e0a51b2d3e4f5a'],
        MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 },
      },
    });
    expect(decode(created.LaunchTemplateVersion!.LaunchTemplateData!.UserData)).toBe(script);
    const again = await ec2.send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateId: TEMPLATE_ID,
        SourceVersion: '$Default',
        VersionDescription: 'cache on the encrypted twin',
        ClientToken: 'cutover-1',
        LaunchTemplateData: { UserData: Buffer.from(script).toString('base64') },
      }),
    );
    expect(again.LaunchTemplateVersion).toEqual(created.LaunchTemplateVersion);
    const [template] = (
      await ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [TEMPLATE_ID] }))
    ).LaunchTemplates!;
    expect(template).toMatchObject({ DefaultVersionNumber: 2, LatestVersionNumber: 3 });

    const latest = await ec2.send(
      new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: TEMPLATE_ID, Versions: ['$Latest'] }),
    );
    expect(latest.LaunchTemplateVersions![0]!.VersionNumber).toBe(3);
  });

  test('a reused ClientToken with other parameters, plain-text user data and a missing source are refused', async () => {
    expect(
      await failure(
        ec2.send(
          new CreateLaunchTemplateVersionCommand({
            LaunchTemplateId: TEMPLATE_ID,
            ClientToken: 'cutover-1',
            LaunchTemplateData: { InstanceType: 'm6i.xlarge' },
          }),
        ),
      ),
    ).toMatchObject({ name: 'IdempotentParameterMismatch' });
    expect(
      await failure(
        ec2.send(
          new CreateLaunchTemplateVersionCommand({
            LaunchTemplateName: 'gitlab-runner',
            LaunchTemplateData: { UserData: '#!/bin/bash\nmount -a' },
          }),
        ),
      ),
    ).toMatchObject({ name: 'InvalidUserData.Malformed' });
    expect(
      await failure(
        ec2.send(
          new CreateLaunchTemplateVersionCommand({
            LaunchTemplateName: 'gitlab-runner',
            SourceVersion: '9',
            LaunchTemplateData: { InstanceType: 'm6i.xlarge' },
          }),
        ),
      ),
    ).toMatchObject({ name: 'InvalidLaunchTemplateId.VersionNotFound' });
    expect(
      await failure(
        ec2.send(
          new CreateLaunchTemplateVersionCommand({
            LaunchTemplateName: 'nope',
            LaunchTemplateData: { InstanceType: 'm6i.xlarge' },
          }),
        ),
      ),
    ).toMatchObject({ name: 'InvalidLaunchTemplateName.NotFoundException' });
  });

  test('ModifyLaunchTemplate sets the default version; $Default follows it', async () => {
    const modified = await ec2.send(
      new ModifyLaunchTemplateCommand({ LaunchTemplateId: TEMPLATE_ID, DefaultVersion: '3' }),
    );
    expect(modified.LaunchTemplate).toMatchObject({
      LaunchTemplateId: TEMPLATE_ID,
      DefaultVersionNumber: 3,
      LatestVersionNumber: 3,
    });
    const [def] = (
      await ec2.send(
        new DescribeLaunchTemplateVersionsCommand({
          LaunchTemplateName: 'gitlab-runner',
          Versions: ['$Default'],
        }),
      )
    ).LaunchTemplateVersions!;
    expect(def).toMatchObject({ VersionNumber: 3, DefaultVersion: true });
    expect(decode(def!.LaunchTemplateData!.UserData)).toContain(
      'fs-0123456789abcdef0.efs.us-east-1.amazonaws.com',
    );
    expect(
      await failure(
        ec2.send(new ModifyLaunchTemplateCommand({ LaunchTemplateId: TEMPLATE_ID, DefaultVersion: '8' })),
      ),
    ).toMatchObject({ name: 'InvalidLaunchTemplateId.VersionNotFound' });
    // Back to version 2, the rollback a cutover records.
    const back = await ec2.send(
      new ModifyLaunchTemplateCommand({ LaunchTemplateName: 'gitlab-runner', DefaultVersion: '2' }),
    );
    expect(back.LaunchTemplate!.DefaultVersionNumber).toBe(2);
  });
});
