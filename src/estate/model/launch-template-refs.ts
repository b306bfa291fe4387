/**
 * How EC2 and Auto Scaling find a launch template and a version from a reference: by ID or name,
 * and `$Default`, `$Latest` or a number. Shared by the loader (checking the file) and the handlers.
 */
import type { EstateLaunchTemplate, EstateLaunchTemplateVersion } from '../types-auto-scaling.ts';

export interface LaunchTemplateRef {
  LaunchTemplateId?: string | undefined;
  LaunchTemplateName?: string | undefined;
}

export function findLaunchTemplate(
  templates: readonly EstateLaunchTemplate[],
  ref: LaunchTemplateRef,
): EstateLaunchTemplate | undefined {
  if (ref.LaunchTemplateId !== undefined)
    return templates.find((t) => t.LaunchTemplateId === ref.LaunchTemplateId);
  if (ref.LaunchTemplateName !== undefined)
    return templates.find((t) => t.LaunchTemplateName === ref.LaunchTemplateName);
  return undefined;
}

/** The version number a version string names (`$Default` when absent), if that version exists. */
export function resolveVersion(
  template: EstateLaunchTemplate,
  version: string | undefined,
): EstateLaunchTemplateVersion | undefined {
  const wanted =
    version === undefined || version === '$Default'
      ? template.DefaultVersionNumber
      : version === '$Latest'
        ? template.LatestVersionNumber
        : /^[1-9]\d*$/.test(version)
          ? Number(version)
          : undefined;
  return template.Versions.find((v) => v.VersionNumber === wanted);
}

export function encodeUserData(script: string): string {
  return Buffer.from(script, 'utf8').toString('base64');
}
