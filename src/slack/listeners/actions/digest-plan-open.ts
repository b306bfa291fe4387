import { parsePlanButtonValue } from '#blocks/digest.ts';
import { BadInputError } from '../../../domain/errors.ts';
import type { ListenerDeps } from '../deps.ts';
import { planModalButton } from './plan-open.ts';

/**
 * Plan migration on a digest's new unencrypted file system: the decision modal (plan-open's, admins
 * only) opened on the page that holds that file system; the plan summary goes to the digest's thread.
 */
export function digestPlanOpenAction(deps: ListenerDeps) {
  return planModalButton(deps, {
    title: 'Plan migration',
    target(value) {
      const focus = parsePlanButtonValue(value);
      if (!focus)
        throw new BadInputError('This Plan migration button names no file system; run `/efs-encrypt plan`.');
      return { focus };
    },
  });
}
