/**
 * Amazon EC2 Auto Scaling (awsQuery, 2011-01-01): DescribeAutoScalingGroups, StartInstanceRefresh,
 * DescribeInstanceRefreshes and CancelInstanceRefresh. An instance refresh runs on the estate's
 * timeline: `Pending`, then `InProgress` replacing instances batch by batch (each replacement is a
 * new instance launched from the desired launch template version as it resolves at launch), then
 * `Successful`; `Cancelling` → `Cancelled` keeps what was already replaced.
 */
import type {
  AutoScalingGroup,
  AutoScalingGroupNamesType,
  AutoScalingGroupsType,
  CancelInstanceRefreshAnswer,
  CancelInstanceRefreshType,
  DescribeInstanceRefreshesAnswer,
  DescribeInstanceRefreshesType,
  InstanceRefresh,
  LaunchTemplateSpecification,
  StartInstanceRefreshAnswer,
  StartInstanceRefreshType,
} from '@aws-sdk/client-auto-scaling';
import { stableHex, stableUuid } from '../ids.ts';
import type { EstateAutoScalingGroup, EstateGroupInstance } from '../types-auto-scaling.ts';
import { AwsApiError } from './api-error.ts';
import type { CallContext, EstateModel } from './estate-model.ts';
import { findLaunchTemplate, resolveVersion } from './launch-template-refs.ts';
import { pageOf } from './paging.ts';

export const autoScalingErrors = {
  validation: (message: string) => new AwsApiError('ValidationError', message, 400),
  refreshInProgress: () =>
    new AwsApiError(
      'InstanceRefreshInProgress',
      'An Instance Refresh is already in progress and blocks the execution of this Instance Refresh.',
      400,
    ),
  noActiveRefresh: (group: string) =>
    new AwsApiError(
      'ActiveInstanceRefreshNotFound',
      `No in progress or pending Instance Refresh found for Auto Scaling group ${group}`,
      400,
    ),
  invalidNextToken: () => new AwsApiError('InvalidNextToken', 'The token is invalid.', 400),
  /** awsQuery throttling: `Throttling`, HTTP 400. */
  throttling: () => new AwsApiError('Throttling', 'Rate exceeded', 400),
  internal: (message: string) => new AwsApiError('InternalFailure', message, 500, 'Receiver'),
};

const ACTIVE = new Set(['Pending', 'InProgress', 'Cancelling', 'RollbackInProgress', 'Baking']);

interface RefreshRun {
  record: InstanceRefresh;
  groupName: string;
  accountId: string;
  region: string;
}

export class AutoScalingService {
  /** Refreshes per `account/region/group`, newest first (the order DescribeInstanceRefreshes answers). */
  private readonly refreshes = new Map<string, RefreshRun[]>();

  constructor(private readonly model: EstateModel) {}

  describeAutoScalingGroups(ctx: CallContext, input: AutoScalingGroupNamesType): AutoScalingGroupsType {
    let groups = this.model.region(ctx).autoScalingGroups;
    // Names that match no group are left out, not refused (as Auto Scaling answers).
    if (input.AutoScalingGroupNames?.length)
      groups = groups.filter((g) => input.AutoScalingGroupNames!.includes(g.AutoScalingGroupName));
    for (const filter of input.Filters ?? []) {
      const values = filter.Values ?? [];
      const name = filter.Name ?? '';
      const matches = (g: EstateAutoScalingGroup): boolean => {
        if (name.startsWith('tag:'))
          return g.Tags.some((t) => t.Key === name.slice(4) && values.includes(t.Value ?? ''));
        if (name === 'tag-key') return g.Tags.some((t) => values.includes(t.Key ?? ''));
        if (name === 'tag-value') return g.Tags.some((t) => values.includes(t.Value ?? ''));
        throw autoScalingErrors.validation(
          `The filter '${name}' is not valid: use tag:<key>, tag-key or tag-value.`,
        );
      };
      groups = groups.filter(matches);
    }
    const page = this.page(
      groups,
      `groups:${JSON.stringify([input.AutoScalingGroupNames, input.Filters])}`,
      input,
    );
    return {
      AutoScalingGroups: page.items.map((g): AutoScalingGroup => {
        const copy = structuredClone(g);
        if (input.IncludeInstances === false) return { ...copy, Instances: [] };
        return copy;
      }),
      ...(page.next !== undefined ? { NextToken: page.next } : {}),
    } satisfies AutoScalingGroupsType;
  }

  startInstanceRefresh(ctx: CallContext, input: StartInstanceRefreshType): StartInstanceRefreshAnswer {
    const group = this.group(ctx, input.AutoScalingGroupName);
    const strategy = input.Strategy ?? 'Rolling';
    if (strategy !== 'Rolling')
      throw autoScalingErrors.validation(
        `The estate refreshes with the Rolling strategy only, not ${strategy}.`,
      );
    const runs = this.runs(ctx, group.AutoScalingGroupName);
    if (runs.some((r) => ACTIVE.has(r.record.Status ?? ''))) throw autoScalingErrors.refreshInProgress();
    const desired = input.DesiredConfiguration;
    if (desired?.MixedInstancesPolicy)
      throw autoScalingErrors.validation('The estate takes DesiredConfiguration.LaunchTemplate only.');
    if (desired?.LaunchTemplate) this.checkSpec(ctx, desired.LaunchTemplate);
    const now = this.model.now();
    const InstanceRefreshId = stableUuid(`${group.AutoScalingGroupARN}/refresh/${runs.length}`);
    const toUpdate = group.Instances.length;
    const preferences = {
      MinHealthyPercentage: 90,
      InstanceWarmup: group.DefaultInstanceWarmup ?? group.HealthCheckGracePeriod ?? 300,
      SkipMatching: false,
      AutoRollback: false,
      ScaleInProtectedInstances: 'Ignore' as const,
      StandbyInstances: 'Ignore' as const,
      ...input.Preferences,
    };
    const record: InstanceRefresh = {
      InstanceRefreshId,
      AutoScalingGroupName: group.AutoScalingGroupName,
      Status: 'Pending',
      StartTime: now,
      PercentageComplete: 0,
      InstancesToUpdate: toUpdate,
      ProgressDetails: { LivePoolProgress: { PercentageComplete: 0, InstancesToUpdate: toUpdate } },
      Preferences: preferences,
      Strategy: strategy,
      ...(desired ? { DesiredConfiguration: structuredClone(desired) } : {}),
    };
    const run: RefreshRun = {
      record,
      groupName: group.AutoScalingGroupName,
      accountId: ctx.accountId,
      region: ctx.region,
    };
    runs.unshift(run);
    this.model.timeline.at(now.getTime() + this.model.timing.instanceRefreshPendingMs, (at) =>
      this.begin(run, at),
    );
    return { InstanceRefreshId } satisfies StartInstanceRefreshAnswer;
  }

  describeInstanceRefreshes(
    ctx: CallContext,
    input: DescribeInstanceRefreshesType,
  ): DescribeInstanceRefreshesAnswer {
    const group = this.group(ctx, input.AutoScalingGroupName);
    let runs = this.runs(ctx, group.AutoScalingGroupName);
    if (input.InstanceRefreshIds?.length)
      runs = runs.filter((r) => input.InstanceRefreshIds!.includes(r.record.InstanceRefreshId ?? ''));
    const page = this.page(
      runs,
      `refreshes:${group.AutoScalingGroupName}:${JSON.stringify(input.InstanceRefreshIds)}`,
      input,
    );
    return {
      InstanceRefreshes: page.items.map((r) => structuredClone(r.record)),
      ...(page.next !== undefined ? { NextToken: page.next } : {}),
    } satisfies DescribeInstanceRefreshesAnswer;
  }

  cancelInstanceRefresh(ctx: CallContext, input: CancelInstanceRefreshType): CancelInstanceRefreshAnswer {
    const group = this.group(ctx, input.AutoScalingGroupName);
    const run = this.runs(ctx, group.AutoScalingGroupName).find((r) =>
      ['Pending', 'InProgress'].includes(r.record.Status ?? ''),
    );
    if (!run) throw autoScalingErrors.noActiveRefresh(group.AutoScalingGroupName);
    run.record.Status = 'Cancelling';
    run.record.StatusReason = 'Cancelling the instance refresh (CancelInstanceRefresh).';
    this.model.timeline.at(this.model.now().getTime() + this.model.timing.instanceRefreshCancelMs, (at) => {
      run.record.Status = 'Cancelled';
      run.record.StatusReason = 'The instance refresh was cancelled.';
      run.record.EndTime = at;
    });
    return { InstanceRefreshId: run.record.InstanceRefreshId } satisfies CancelInstanceRefreshAnswer;
  }

  /** Pending → InProgress: picks the instances to replace and schedules one batch after another. */
  private begin(run: RefreshRun, at: Date): void {
    if (run.record.Status !== 'Pending') return;
    const group = this.liveGroup(run);
    if (!group) return this.finish(run, at, 'Failed', 'The Auto Scaling group no longer exists.');
    run.record.Status = 'InProgress';
    run.record.StatusReason = 'Waiting for instances to be replaced.';
    const prefs = run.record.Preferences ?? {};
    const target = this.desiredSpec(run, group);
    // Standby instances are left alone (StandbyInstances Ignore) and so are scale-in protected ones
    // unless ScaleInProtectedInstances is Refresh (its default, Ignore, skips them; Wait is not modelled).
    const stale = group.Instances.filter(
      (i) =>
        i.LifecycleState === 'InService' &&
        (!i.ProtectedFromScaleIn || prefs.ScaleInProtectedInstances === 'Refresh') &&
        !(prefs.SkipMatching && target && matchesDesired(i, target, this.model, run)),
    ).map((i) => i.InstanceId);
    const total = stale.length;
    this.progress(run, 0, total);
    if (total === 0) return this.finish(run, at, 'Successful');
    // MinHealthyPercentage bounds how many instances may be out of service at once (at least one).
    const batch = Math.max(1, Math.floor((total * (100 - (prefs.MinHealthyPercentage ?? 90))) / 100));
    const step = (done: number, when: number) => {
      this.model.timeline.at(when + this.model.timing.instanceRefreshReplaceMs, (t) => {
        if (run.record.Status !== 'InProgress') return;
        const live = this.liveGroup(run);
        if (!live) return this.finish(run, t, 'Failed', 'The Auto Scaling group no longer exists.');
        const next = stale.slice(done, done + batch);
        next.forEach((id, k) => this.replace(run, live, id, done + k));
        const replaced = done + next.length;
        this.progress(run, replaced, total);
        if (replaced >= total) this.finish(run, t, 'Successful');
        else step(replaced, t.getTime());
      });
    };
    step(0, at.getTime());
  }

  /** Terminates one instance and launches its replacement in the same zone from the desired version. */
  private replace(run: RefreshRun, group: EstateAutoScalingGroup, instanceId: string, n: number): void {
    const index = group.Instances.findIndex((i) => i.InstanceId === instanceId);
    if (index < 0) return;
    const old = group.Instances[index]!;
    const spec = this.desiredSpec(run, group);
    const templates = this.model.region(run).launchTemplates;
    const template = spec ? findLaunchTemplate(templates, spec) : undefined;
    const version = template ? resolveVersion(template, spec?.Version) : undefined;
    const replacement: EstateGroupInstance = {
      ...old,
      InstanceId: `i-${stableHex(`${run.record.InstanceRefreshId}/${n}`, 17)}`,
      InstanceType: version?.LaunchTemplateData.InstanceType ?? old.InstanceType,
      LifecycleState: 'InService',
      HealthStatus: 'Healthy',
      ...(template && version
        ? {
            LaunchTemplate: {
              LaunchTemplateId: template.LaunchTemplateId,
              LaunchTemplateName: template.LaunchTemplateName,
              Version: String(version.VersionNumber),
            },
          }
        : {}),
    };
    group.Instances.splice(index, 1, replacement);
  }

  private progress(run: RefreshRun, done: number, total: number): void {
    const percentage = total === 0 ? 100 : Math.floor((done * 100) / total);
    run.record.PercentageComplete = percentage;
    run.record.InstancesToUpdate = total - done;
    run.record.ProgressDetails = {
      LivePoolProgress: { PercentageComplete: percentage, InstancesToUpdate: total - done },
    };
  }

  private finish(run: RefreshRun, at: Date, status: 'Successful' | 'Failed', reason?: string): void {
    run.record.Status = status;
    run.record.EndTime = at;
    if (reason) run.record.StatusReason = reason;
    else delete run.record.StatusReason;
    if (status !== 'Successful') return;
    this.progress(run, 1, 1);
    // A refresh with a desired configuration leaves the group on it once it succeeds.
    const group = this.liveGroup(run);
    const desired = run.record.DesiredConfiguration?.LaunchTemplate;
    if (group && desired) {
      const template = findLaunchTemplate(this.model.region(run).launchTemplates, desired);
      const spec = {
        LaunchTemplateId: template?.LaunchTemplateId ?? desired.LaunchTemplateId,
        LaunchTemplateName: template?.LaunchTemplateName ?? desired.LaunchTemplateName,
        Version: desired.Version ?? '$Default',
      };
      if (group.MixedInstancesPolicy?.LaunchTemplate)
        group.MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification = spec;
      else group.LaunchTemplate = spec;
    }
  }

  /** What the refresh launches: its DesiredConfiguration, else the group's own template. */
  private desiredSpec(
    run: RefreshRun,
    group: EstateAutoScalingGroup,
  ): LaunchTemplateSpecification | undefined {
    return (
      run.record.DesiredConfiguration?.LaunchTemplate ??
      group.LaunchTemplate ??
      group.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification
    );
  }

  private checkSpec(ctx: CallContext, spec: LaunchTemplateSpecification): void {
    const template = findLaunchTemplate(this.model.region(ctx).launchTemplates, spec);
    if (!template)
      throw autoScalingErrors.validation(
        `The specified launch template ${spec.LaunchTemplateId ?? spec.LaunchTemplateName ?? '(none)'} does not exist.`,
      );
    if (!resolveVersion(template, spec.Version))
      throw autoScalingErrors.validation(
        `The specified launch template version ${spec.Version} of ${template.LaunchTemplateName} does not exist.`,
      );
  }

  private group(ctx: CallContext, name: string | undefined): EstateAutoScalingGroup {
    if (!name) throw autoScalingErrors.validation('AutoScalingGroupName is required.');
    const group = this.model.region(ctx).autoScalingGroups.find((g) => g.AutoScalingGroupName === name);
    if (!group) throw autoScalingErrors.validation(`AutoScalingGroup name not found - ${name}`);
    return group;
  }

  private liveGroup(run: RefreshRun): EstateAutoScalingGroup | undefined {
    return this.model.region(run).autoScalingGroups.find((g) => g.AutoScalingGroupName === run.groupName);
  }

  private runs(ctx: Pick<CallContext, 'accountId' | 'region'>, group: string): RefreshRun[] {
    const key = `${ctx.accountId}/${ctx.region}/${group}`;
    let runs = this.refreshes.get(key);
    if (!runs) this.refreshes.set(key, (runs = []));
    return runs;
  }

  /** Auto Scaling pages by MaxRecords (1–100, default 50: the estate's smaller default page). */
  private page<T>(items: T[], scope: string, input: { NextToken?: string; MaxRecords?: number }) {
    if (input.MaxRecords !== undefined && (input.MaxRecords < 1 || input.MaxRecords > 100))
      throw autoScalingErrors.validation(
        `1 validation error detected: Value '${input.MaxRecords}' at 'maxRecords' failed to satisfy constraint: Member must have value between 1 and 100`,
      );
    return pageOf(items, {
      token: input.NextToken,
      limit: input.MaxRecords,
      defaultSize: this.model.options.defaultPageSize,
      maxSize: 100,
      scope,
      invalidToken: autoScalingErrors.invalidNextToken,
      invalidLimit: (n) => autoScalingErrors.validation(`MaxRecords ${n} is not valid.`),
    });
  }
}

/** Whether an instance already runs the version a refresh would launch (SkipMatching). */
function matchesDesired(
  instance: EstateGroupInstance,
  spec: LaunchTemplateSpecification,
  model: EstateModel,
  run: RefreshRun,
): boolean {
  const template = findLaunchTemplate(model.region(run).launchTemplates, spec);
  const version = template ? resolveVersion(template, spec.Version) : undefined;
  return (
    template !== undefined &&
    version !== undefined &&
    instance.LaunchTemplate?.LaunchTemplateId === template.LaunchTemplateId &&
    instance.LaunchTemplate.Version === String(version.VersionNumber)
  );
}
