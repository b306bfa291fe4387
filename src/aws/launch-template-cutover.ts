import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DescribeInstanceRefreshesCommand,
  StartInstanceRefreshCommand,
  type AutoScalingGroup,
  type InstanceRefresh,
  type StartInstanceRefreshCommandInput,
} from '@aws-sdk/client-auto-scaling';
import {
  CreateLaunchTemplateVersionCommand,
  DescribeLaunchTemplateVersionsCommand,
  EC2Client,
  ModifyLaunchTemplateCommand,
  type CreateLaunchTemplateVersionCommandInput,
  type LaunchTemplateVersion,
  type ModifyLaunchTemplateCommandInput,
} from '@aws-sdk/client-ec2';
import type { AccountClients } from './account-clients.ts';
import { awsErrorCode } from './aws-errors.ts';
import { requestIdOf } from './ecs-cutover.ts';
import { serviceClientsFrom } from './service-clients.ts';

/**
 * The EC2 launch template and Auto Scaling calls the cutover makes (ILaunchTemplateCutoverClient in
 * src/workflow/cutover/ports.ts matches structurally). CreateLaunchTemplateVersion carries the
 * plan's ClientToken, so a resent request finds the version it made.
 */
export class SdkLaunchTemplateCutoverClient {
  constructor(
    readonly ec2: EC2Client,
    readonly autoscaling: AutoScalingClient,
  ) {}

  /** The versions asked for (`$Default`, `$Latest` or numbers); [] when the template is gone. */
  async describeLaunchTemplateVersions(
    launchTemplateId: string,
    versions: string[],
  ): Promise<LaunchTemplateVersion[]> {
    try {
      const out = await this.ec2.send(
        new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: launchTemplateId, Versions: versions }),
      );
      return out.LaunchTemplateVersions ?? [];
    } catch (e) {
      if (awsErrorCode(e) === 'InvalidLaunchTemplateId.NotFound') return [];
      throw e;
    }
  }

  async createLaunchTemplateVersion(
    input: CreateLaunchTemplateVersionCommandInput,
  ): Promise<{ versionNumber: number; requestId?: string }> {
    const out = await this.ec2.send(new CreateLaunchTemplateVersionCommand(input));
    const n = out.LaunchTemplateVersion?.VersionNumber;
    if (n === undefined) throw new Error('CreateLaunchTemplateVersion answered without a VersionNumber');
    return { versionNumber: n, ...requestIdOf(out) };
  }

  async modifyLaunchTemplate(
    input: ModifyLaunchTemplateCommandInput,
  ): Promise<{ defaultVersion?: number; requestId?: string }> {
    const out = await this.ec2.send(new ModifyLaunchTemplateCommand(input));
    const n = out.LaunchTemplate?.DefaultVersionNumber;
    return { ...(n !== undefined ? { defaultVersion: n } : {}), ...requestIdOf(out) };
  }

  async describeAutoScalingGroups(names: string[]): Promise<AutoScalingGroup[]> {
    const out = await this.autoscaling.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: names }),
    );
    return out.AutoScalingGroups ?? [];
  }

  async startInstanceRefresh(
    input: StartInstanceRefreshCommandInput,
  ): Promise<{ instanceRefreshId: string; requestId?: string }> {
    const out = await this.autoscaling.send(new StartInstanceRefreshCommand(input));
    if (!out.InstanceRefreshId) throw new Error('StartInstanceRefresh answered without an InstanceRefreshId');
    return { instanceRefreshId: out.InstanceRefreshId, ...requestIdOf(out) };
  }

  async describeInstanceRefresh(
    autoScalingGroupName: string,
    instanceRefreshId: string,
  ): Promise<InstanceRefresh | undefined> {
    const out = await this.autoscaling.send(
      new DescribeInstanceRefreshesCommand({
        AutoScalingGroupName: autoScalingGroupName,
        InstanceRefreshIds: [instanceRefreshId],
      }),
    );
    return out.InstanceRefreshes?.[0];
  }

  /** Newest first, as Auto Scaling answers; 100 (MaxRecords' maximum) reaches far past a restart. */
  async recentInstanceRefreshes(autoScalingGroupName: string): Promise<InstanceRefresh[]> {
    const out = await this.autoscaling.send(
      new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: autoScalingGroupName, MaxRecords: 100 }),
    );
    return out.InstanceRefreshes ?? [];
  }
}

export function launchTemplateCutoverClientsFrom(accounts: Pick<AccountClients, 'sdkClientsFor' | 'limit'>): {
  clientFor(accountId: string, region: string): Promise<SdkLaunchTemplateCutoverClient>;
  destroy(): void;
} {
  const ec2 = serviceClientsFrom(accounts, (config) => new EC2Client(config));
  const autoscaling = serviceClientsFrom(accounts, (config) => new AutoScalingClient(config));
  return {
    clientFor: async (accountId, region) =>
      new SdkLaunchTemplateCutoverClient(
        await ec2.clientFor(accountId, region),
        await autoscaling.clientFor(accountId, region),
      ),
    destroy() {
      ec2.destroy();
      autoscaling.destroy();
    },
  };
}
