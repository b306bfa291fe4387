import type { OrderInForce } from '#blocks/cutover-order.ts';
import type { CutoverStatus } from '../workflow/cutover/index.ts';

/** The order applications are cut over in now: the admin's, or the default (by name, as apply uses). */
export function orderInForce(status: Pick<CutoverStatus, 'applications' | 'order'>): OrderInForce {
  if (status.order) return { apps: status.order.apps, chosenBy: status.order.chosenBy };
  return { apps: status.applications.map((a) => a.app).sort() };
}
