/**
 * RKE2's etcd snapshots as its API shows them: the ETCDSnapshotFile kind (k3s.cattle.io/v1,
 * cluster-scoped), which k3s and RKE2 register as a CRD, and one object per snapshot file.
 * RKE2 runs embedded etcd and snapshots it every 12 hours by default (etcd-snapshot-schedule-cron
 * `0 *\/12 * * *`) into /var/lib/rancher/rke2/server/db/snapshots on each etcd node.
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from './k8s-types.js';
import { rfc3339 } from './factories.js';

/** The CustomResourceDefinition k3s and RKE2 register for ETCDSnapshotFile, with their columns. */
export function etcdSnapshotFileCrd(): KubeObject {
  const str = { type: 'string' };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'etcdsnapshotfiles.k3s.cattle.io' },
    spec: {
      group: 'k3s.cattle.io',
      names: {
        kind: 'ETCDSnapshotFile',
        listKind: 'ETCDSnapshotFileList',
        plural: 'etcdsnapshotfiles',
        singular: 'etcdsnapshotfile',
      },
      scope: 'Cluster',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          additionalPrinterColumns: [
            { name: 'SnapshotName', type: 'string', jsonPath: '.spec.snapshotName' },
            { name: 'Node', type: 'string', jsonPath: '.spec.nodeName' },
            { name: 'Location', type: 'string', jsonPath: '.spec.location' },
            { name: 'Size', type: 'string', jsonPath: '.status.size' },
            { name: 'CreationTime', type: 'string', jsonPath: '.status.creationTime' },
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  properties: {
                    snapshotName: str,
                    nodeName: str,
                    location: str,
                    metadata: { type: 'object', additionalProperties: str },
                    s3: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                  },
                },
                status: {
                  type: 'object',
                  properties: {
                    size: { 'x-kubernetes-int-or-string': true },
                    creationTime: { type: 'string', format: 'date-time' },
                    readyToUse: { type: 'boolean' },
                    error: {
                      type: 'object',
                      properties: { time: { type: 'string', format: 'date-time' }, message: str },
                    },
                  },
                },
              },
            },
          },
        },
      ],
    },
  };
}

/** Snapshots an etcd node has taken by now: the last `count` 12-hour marks (UTC). */
export function etcdSnapshotFiles(nodeName: string, now: Date, count = 3): KubeObject[] {
  const every = 12 * 3600_000;
  const out: KubeObject[] = [];
  for (let i = count; i >= 1; i--) {
    const at = new Date(Math.floor(now.getTime() / every) * every - (i - 1) * every);
    const unix = Math.floor(at.getTime() / 1000);
    const snapshotName = `etcd-snapshot-${nodeName}-${unix}`;
    const hash = createHash('sha256').update(`${nodeName}/${snapshotName}`).digest('hex').slice(0, 6);
    // A datastore of a few tens of MB that grows a little between snapshots.
    const size = 24_000_000 + (Math.floor(unix / 60) % 1000) * 4099;
    out.push({
      apiVersion: 'k3s.cattle.io/v1',
      kind: 'ETCDSnapshotFile',
      metadata: {
        name: `local-${snapshotName}-${hash}`,
        labels: { 'etcd.rke2.cattle.io/snapshot-storage-node': nodeName },
      },
      spec: {
        snapshotName,
        nodeName,
        location: `file:///var/lib/rancher/rke2/server/db/snapshots/${snapshotName}`,
      },
      status: { size: String(size), creationTime: rfc3339(at), readyToUse: true },
    });
  }
  return out;
}
