import type { MountTargetDescription } from '@aws-sdk/client-efs';
import type { ScanEc2 } from './ports.ts';

/**
 * The security groups of mount targets read from their network interfaces, many at a time.
 *
 * EFS keeps a mount target's security groups on the network interface it creates for it
 * (ModifyMountTargetSecurityGroups "replaces the security groups in effect for the network
 * interface associated with a mount target", and DescribeMountTargetSecurityGroups itself needs
 * `ec2:DescribeNetworkInterfaceAttribute` on that interface), so the interface's `Groups[].GroupId`
 * are the same facts. DescribeMountTargetSecurityGroups asks for one mount target per call and is
 * the busiest rate-limit bucket of a scan (one call per mount target); one EC2
 * DescribeNetworkInterfaces answers up to BATCH_SIZE interfaces.
 *
 * Requests are batched as they come: the first waits one turn of the event loop for the mount
 * targets listed with it, and while a call is under way (or waits for its rate-limit slot) the
 * next ones gather for the following call. There is no barrier on "every mount target of the
 * region listed", so the per-file-system concurrency limit cannot deadlock against it.
 *
 * Undefined means "ask EFS for this mount target": its interface was not in the answer (created
 * since, or no interface ID), or EC2 could not be read at all (no `ec2:DescribeNetworkInterfaces`
 * permission, an error): after a failed call the rest of the region asks EFS, without retrying
 * EC2 per batch. The fallback reports any EFS error against the file system it concerns.
 */
export interface InterfaceGroups {
  of(mountTarget: MountTargetDescription): Promise<string[] | undefined>;
}

export const ASK_PER_MOUNT_TARGET: InterfaceGroups = { of: () => Promise.resolve(undefined) };

/**
 * Network interface IDs per call. The ID list rules out MaxResults (EC2 refuses both at once), so
 * the IDs go in the `network-interface-id` filter, which pages and ignores an ID that matches
 * nothing; 200 values keeps each request well inside EC2's request-size limits.
 */
export const BATCH_SIZE = 200;

type Waiter = (groups: string[] | undefined) => void;

export function batchedInterfaceGroups(ec2: ScanEc2): InterfaceGroups {
  const waiting = new Map<string, Waiter[]>();
  let busy = false;
  let failed = false;

  function flush(): void {
    if (busy || waiting.size === 0) return;
    const ids = [...waiting.keys()].slice(0, BATCH_SIZE);
    const batch = ids.map((id) => [id, waiting.get(id)!] as const);
    for (const id of ids) waiting.delete(id);
    busy = true;
    void ec2.networkInterfaces(ids).then(
      (interfaces) => {
        const groupsById = new Map(
          interfaces.map((n) => [
            n.NetworkInterfaceId,
            (n.Groups ?? []).map((g) => g.GroupId).filter((g): g is string => !!g),
          ]),
        );
        for (const [id, waiters] of batch) for (const w of waiters) w(groupsById.get(id));
        busy = false;
        flush();
      },
      () => {
        failed = true;
        for (const [, waiters] of batch) for (const w of waiters) w(undefined);
        for (const waiters of waiting.values()) for (const w of waiters) w(undefined);
        waiting.clear();
        busy = false;
      },
    );
  }

  return {
    of(mountTarget) {
      const id = mountTarget.NetworkInterfaceId;
      // EFS reports no groups for a mount target that is not `available`: the fallback keeps that rule.
      if (failed || !id || mountTarget.LifeCycleState !== 'available') return Promise.resolve(undefined);
      return new Promise((resolve) => {
        const waiters = waiting.get(id);
        if (waiters) waiters.push(resolve);
        else waiting.set(id, [resolve]);
        // One turn of the event loop: the other mount targets of this listing join the call.
        if (!busy) setImmediate(flush);
      });
    },
  };
}
