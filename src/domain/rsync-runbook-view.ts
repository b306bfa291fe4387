/**
 * What a person is handed for an EC2 + rsync copy, as the Slack blocks render it: the runbook and its
 * scripts. The rsync workflow's `RsyncRunbook` carries this and the plans it was made from.
 */
export interface RsyncRunbookView {
  migrationId: string;
  sourceFileSystemId: string;
  targetFileSystemId: string;
  /** For the download (files.uploadV2 `filename`). */
  filename: string;
  title: string;
  /** The whole runbook for people, scripts included as paste-able here-documents. */
  markdown: string;
  scripts: { name: string; content: string; purpose: string }[];
  warnings: string[];
  /** Where the copy instance runs and which security groups let it reach both mount targets. */
  network: {
    availabilityZone: string;
    availabilityZoneName?: string;
    subnetId: string;
    instanceSecurityGroupIds: string[];
    mountTargetSecurityGroupIds: string[];
  };
  instance: {
    instanceType: string;
    architecture: 'x86_64' | 'arm64';
    clientToken: string;
    instanceProfileName: string;
    securityGroupName: string;
  };
  /** The command lines run on the instance, in order. */
  commands: {
    mount: string;
    initial: string;
    incremental: string;
    finalDryRun: string;
    final: string;
    verify: string;
  };
}
