/**
 * EC2 launch templates: DescribeLaunchTemplates, DescribeLaunchTemplateVersions,
 * CreateLaunchTemplateVersion and ModifyLaunchTemplate, with EC2's error codes
 * (`InvalidLaunchTemplateId.NotFound`, `InvalidLaunchTemplateName.NotFoundException`,
 * `InvalidLaunchTemplateId.VersionNotFound`, `InvalidLaunchTemplateId.Malformed`,
 * `IdempotentParameterMismatch`, `InvalidUserData.Malformed`) and pagination.
 */
import type {
  CreateLaunchTemplateVersionRequest,
  CreateLaunchTemplateVersionResult,
  DescribeLaunchTemplatesRequest,
  DescribeLaunchTemplatesResult,
  DescribeLaunchTemplateVersionsRequest,
  DescribeLaunchTemplateVersionsResult,
  LaunchTemplate,
  LaunchTemplateVersion,
  ModifyLaunchTemplateRequest,
  ModifyLaunchTemplateResult,
  ResponseLaunchTemplateData,
} from '@aws-sdk/client-ec2';
import type { EstateLaunchTemplate, EstateLaunchTemplateVersion } from '../types-auto-scaling.ts';
import { AwsApiError } from './api-error.ts';
import { applyFilters, ec2Errors, type Attributes } from './ec2-service.ts';
import type { CallContext, EstateModel } from './estate-model.ts';
import { resolveVersion } from './launch-template-refs.ts';
import { pageOf } from './paging.ts';

export const launchTemplateErrors = {
  idNotFound: (id: string) =>
    new AwsApiError(
      'InvalidLaunchTemplateId.NotFound',
      `The specified launch template, with template ID ${id}, does not exist.`,
    ),
  nameNotFound: (name: string) =>
    new AwsApiError(
      'InvalidLaunchTemplateName.NotFoundException',
      `The specified launch template, with template name ${name}, does not exist.`,
    ),
  malformedId: (id: string) =>
    new AwsApiError(
      'InvalidLaunchTemplateId.Malformed',
      `The specified ID for the launch template (${id}) is not valid. The ID must be in the form lt-xxxxxxxxxxxxxxxxx.`,
    ),
  /** The wording moto 5.2.1 answers (an independent emulator's copy of AWS's). */
  versionNotFound: (template: EstateLaunchTemplate, version: string) =>
    new AwsApiError(
      'InvalidLaunchTemplateId.VersionNotFound',
      `Could not find the specified version ${version} for the launch template with ID ${template.LaunchTemplateId}.`,
    ),
  missingTemplate: () =>
    new AwsApiError(
      'MissingParameter',
      'The request must contain the parameter LaunchTemplateId or LaunchTemplateName.',
    ),
  idempotentMismatch: (token: string) =>
    new AwsApiError(
      'IdempotentParameterMismatch',
      `The client token ${token} was already used with different parameters.`,
    ),
  malformedUserData: () =>
    new AwsApiError('InvalidUserData.Malformed', 'Invalid BASE64 encoding of user data.'),
};

const templateAttributes: Attributes<EstateLaunchTemplate> = {
  'launch-template-name': (t) => [t.LaunchTemplateName],
  'create-time': (t) => [t.CreateTime.toISOString()],
};
const versionAttributes: Attributes<LaunchTemplateVersion> = {
  'is-default-version': (v) => [String(v.DefaultVersion)],
  'image-id': (v) => [v.LaunchTemplateData?.ImageId],
  'instance-type': (v) => [v.LaunchTemplateData?.InstanceType],
  'kernel-id': (v) => [v.LaunchTemplateData?.KernelId],
  'ram-disk-id': (v) => [v.LaunchTemplateData?.RamDiskId],
  'iam-instance-profile': (v) => [
    v.LaunchTemplateData?.IamInstanceProfile?.Arn,
    v.LaunchTemplateData?.IamInstanceProfile?.Name,
  ],
  'ebs-optimized': (v) => [String(v.LaunchTemplateData?.EbsOptimized ?? false)],
};

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export class Ec2LaunchTemplates {
  constructor(private readonly model: EstateModel) {}

  describeLaunchTemplates(
    ctx: CallContext,
    input: DescribeLaunchTemplatesRequest,
  ): DescribeLaunchTemplatesResult {
    const all = this.templates(ctx);
    let list = all;
    if (input.LaunchTemplateIds?.length) {
      list = input.LaunchTemplateIds.map((id) => this.byId(all, id));
    }
    if (input.LaunchTemplateNames?.length) {
      const names = input.LaunchTemplateNames;
      if (names.some((n) => !all.some((t) => t.LaunchTemplateName === n)))
        throw new AwsApiError(
          'InvalidLaunchTemplateName.NotFoundException',
          'At least one of the launch templates specified in the request does not exist.',
        );
      list = list.filter((t) => names.includes(t.LaunchTemplateName));
    }
    list = applyFilters(list, input.Filters, templateAttributes);
    const page = this.page(
      list,
      `launch-templates:${JSON.stringify([input.LaunchTemplateIds, input.LaunchTemplateNames, input.Filters])}`,
      input,
    );
    return {
      LaunchTemplates: page.items.map((t) => describeTemplate(t)),
      ...(page.next !== undefined ? { NextToken: page.next } : {}),
    } satisfies DescribeLaunchTemplatesResult;
  }

  /**
   * Versions of one template (by ID or name), or the `$Latest`/`$Default` versions of every
   * template when neither is given. Without `Versions`: every version newest first, within
   * MinVersion/MaxVersion.
   */
  describeLaunchTemplateVersions(
    ctx: CallContext,
    input: DescribeLaunchTemplateVersionsRequest,
  ): DescribeLaunchTemplateVersionsResult {
    const aliasesOnly = (input.Versions ?? []).length > 0 && input.Versions!.every((v) => v.startsWith('$'));
    let versions: LaunchTemplateVersion[];
    if (input.LaunchTemplateId === undefined && input.LaunchTemplateName === undefined) {
      // AWS's answer to this case, as reported in localstack/localstack#8606.
      if (!aliasesOnly)
        throw new AwsApiError(
          'MissingParameter',
          'To describe the launch template data for all your launch templates, for Versions specify $Latest, $Default, or both, and omit LaunchTemplateId, LaunchTemplateName, and version ranges.',
        );
      versions = this.templates(ctx).flatMap((t) => this.pick(t, input.Versions!));
    } else {
      const template = this.template(ctx, input);
      if (input.Versions?.length) versions = this.pick(template, input.Versions);
      else {
        const min = versionBound(input.MinVersion, 'MinVersion');
        const max = versionBound(input.MaxVersion, 'MaxVersion');
        versions = template.Versions.filter(
          (v) =>
            (min === undefined || v.VersionNumber >= min) && (max === undefined || v.VersionNumber <= max),
        )
          .map((v) => describeVersion(template, v))
          .reverse();
      }
    }
    versions = applyFilters(versions, input.Filters, versionAttributes, () => undefined);
    const page = this.page(
      versions,
      `launch-template-versions:${JSON.stringify([
        input.LaunchTemplateId,
        input.LaunchTemplateName,
        input.Versions,
        input.MinVersion,
        input.MaxVersion,
        input.Filters,
      ])}`,
      input,
    );
    return {
      LaunchTemplateVersions: page.items,
      ...(page.next !== undefined ? { NextToken: page.next } : {}),
    } satisfies DescribeLaunchTemplateVersionsResult;
  }

  /**
   * A new version, numbered after the latest; the default does not move. With `SourceVersion` it
   * starts from that version's data and each member given in `LaunchTemplateData` replaces the
   * source's ("you can specify launch parameters that you want to change"; lists are replaced
   * whole). A `ClientToken` used before returns the version it created.
   */
  createLaunchTemplateVersion(
    ctx: CallContext,
    input: CreateLaunchTemplateVersionRequest,
  ): CreateLaunchTemplateVersionResult {
    const template = this.template(ctx, input);
    if (!input.LaunchTemplateData)
      throw new AwsApiError('MissingParameter', 'The request must contain the parameter LaunchTemplateData.');
    const { DryRun: _dryRun, ...request } = input;
    const fingerprint = JSON.stringify(request);
    if (input.ClientToken !== undefined) {
      const earlier = template.ClientTokens[input.ClientToken];
      if (earlier) {
        if (earlier.request !== fingerprint) throw launchTemplateErrors.idempotentMismatch(input.ClientToken);
        const version = template.Versions.find((v) => v.VersionNumber === earlier.version);
        if (version) return { LaunchTemplateVersion: describeVersion(template, version) };
      }
    }
    const userData = input.LaunchTemplateData.UserData;
    if (userData !== undefined && !BASE64.test(userData)) throw launchTemplateErrors.malformedUserData();
    let base: ResponseLaunchTemplateData = {};
    if (input.SourceVersion !== undefined) {
      const source = resolveVersion(template, input.SourceVersion);
      if (!source) throw launchTemplateErrors.versionNotFound(template, input.SourceVersion);
      base = structuredClone(source.LaunchTemplateData);
    }
    // The request shapes carry the same member names as the response shapes they become.
    const given = structuredClone(input.LaunchTemplateData) as ResponseLaunchTemplateData;
    const VersionNumber = template.LatestVersionNumber + 1;
    const version: EstateLaunchTemplateVersion = {
      LaunchTemplateId: template.LaunchTemplateId,
      LaunchTemplateName: template.LaunchTemplateName,
      VersionNumber,
      ...(input.VersionDescription !== undefined ? { VersionDescription: input.VersionDescription } : {}),
      CreateTime: this.model.now(),
      CreatedBy: `arn:aws:iam::${ctx.accountId}:root`,
      DefaultVersion: false,
      LaunchTemplateData: { ...base, ...given },
    };
    template.Versions.push(version);
    template.LatestVersionNumber = VersionNumber;
    if (input.ClientToken !== undefined)
      template.ClientTokens[input.ClientToken] = { version: VersionNumber, request: fingerprint };
    return {
      LaunchTemplateVersion: describeVersion(template, version),
    } satisfies CreateLaunchTemplateVersionResult;
  }

  /** Sets the default version (`SetDefaultVersion` on the wire, a version number). */
  modifyLaunchTemplate(ctx: CallContext, input: ModifyLaunchTemplateRequest): ModifyLaunchTemplateResult {
    const template = this.template(ctx, input);
    if (input.DefaultVersion !== undefined) {
      const version = /^[1-9]\d*$/.test(input.DefaultVersion)
        ? resolveVersion(template, input.DefaultVersion)
        : undefined;
      if (!version) throw launchTemplateErrors.versionNotFound(template, input.DefaultVersion);
      template.DefaultVersionNumber = version.VersionNumber;
      for (const v of template.Versions) v.DefaultVersion = v.VersionNumber === version.VersionNumber;
    }
    return { LaunchTemplate: describeTemplate(template) } satisfies ModifyLaunchTemplateResult;
  }

  private templates(ctx: CallContext): EstateLaunchTemplate[] {
    return this.model.region(ctx).launchTemplates;
  }

  private byId(all: EstateLaunchTemplate[], id: string): EstateLaunchTemplate {
    if (!/^lt-[0-9a-f]{17}$/.test(id)) throw launchTemplateErrors.malformedId(id);
    const template = all.find((t) => t.LaunchTemplateId === id);
    if (!template) throw launchTemplateErrors.idNotFound(id);
    return template;
  }

  /** The one template a request names, by ID or by name (not both, as EC2 requires). */
  private template(
    ctx: CallContext,
    input: { LaunchTemplateId?: string | undefined; LaunchTemplateName?: string | undefined },
  ): EstateLaunchTemplate {
    const all = this.templates(ctx);
    if (input.LaunchTemplateId !== undefined && input.LaunchTemplateName !== undefined)
      throw ec2Errors.invalidCombination(
        'The parameters LaunchTemplateId and LaunchTemplateName cannot be used together; give one of them.',
      );
    if (input.LaunchTemplateId !== undefined) return this.byId(all, input.LaunchTemplateId);
    if (input.LaunchTemplateName === undefined) throw launchTemplateErrors.missingTemplate();
    const template = all.find((t) => t.LaunchTemplateName === input.LaunchTemplateName);
    if (!template) throw launchTemplateErrors.nameNotFound(input.LaunchTemplateName);
    return template;
  }

  private pick(template: EstateLaunchTemplate, versions: string[]): LaunchTemplateVersion[] {
    const seen = new Set<number>();
    return versions.flatMap((wanted) => {
      const version = resolveVersion(template, wanted);
      if (!version) throw launchTemplateErrors.versionNotFound(template, wanted);
      if (seen.has(version.VersionNumber)) return [];
      seen.add(version.VersionNumber);
      return [describeVersion(template, version)];
    });
  }

  /** EC2 pagination: everything without MaxResults; 1–200 per page with it. */
  private page<T>(items: T[], scope: string, input: { NextToken?: string; MaxResults?: number }) {
    const { NextToken: token, MaxResults: max } = input;
    if (max !== undefined && (max < 1 || max > 200))
      throw ec2Errors.invalidParameter(
        `Value ( ${max} ) for parameter maxResults is invalid. Parameter must be between 1 and 200.`,
      );
    if (max === undefined && token === undefined) return { items, next: undefined };
    return pageOf(items, {
      token,
      limit: max,
      defaultSize: 200,
      maxSize: 200,
      scope,
      invalidToken: ec2Errors.invalidToken,
      invalidLimit: (n) => ec2Errors.invalidParameter(`Value ( ${n} ) for parameter maxResults is invalid.`),
    });
  }
}

function versionBound(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(value))
    throw ec2Errors.invalidParameter(
      `Value ( ${value} ) for parameter ${name} is invalid: give a version number.`,
    );
  return Number(value);
}

function describeTemplate(t: EstateLaunchTemplate): LaunchTemplate {
  const { Versions: _versions, ClientTokens: _tokens, ...template } = t;
  return structuredClone(template) satisfies LaunchTemplate;
}

function describeVersion(t: EstateLaunchTemplate, v: EstateLaunchTemplateVersion): LaunchTemplateVersion {
  return {
    ...structuredClone(v),
    DefaultVersion: v.VersionNumber === t.DefaultVersionNumber,
  } satisfies LaunchTemplateVersion;
}
