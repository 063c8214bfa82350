import { GlueSecurityConfiguration as GlueSecurityConfigurationResource } from "@cdktf/provider-aws/lib/glue-security-configuration";
import { Construct } from "constructs";
import type { DataLakeKey } from "../../kms/kms-key";
import type { AwsContext } from "../../shared/aws-context";

/** Props for {@link GlueSecurityConfiguration}. */
export interface GlueSecurityConfigurationProps {
  /** Where the configuration lives. */
  readonly aws: AwsContext;
  /** Name, e.g. `metriccare_glue_dev`. */
  readonly name: string;
  /** Key for S3 data, CloudWatch logs and job bookmarks. */
  readonly kmsKey: DataLakeKey;
}

/**
 * The Glue security configuration every job runs with: S3 writes SSE-KMS, CloudWatch logs
 * SSE-KMS, job bookmarks client-side encrypted, all with the environment key.
 */
export class GlueSecurityConfiguration extends Construct {
  /** The security configuration. */
  public readonly securityConfiguration: GlueSecurityConfigurationResource;
  /** Its name, as jobs reference it. */
  public readonly name: string;
  /**
   * The name as given, not a reference: for names of log groups, which the key policy lists and
   * the configuration (using the key) must therefore not be referenced from.
   */
  public readonly configuredName: string;
  /** The key it encrypts with. */
  public readonly kmsKey: DataLakeKey;

  public constructor(scope: Construct, id: string, props: GlueSecurityConfigurationProps) {
    super(scope, id);
    const kmsKeyArn = props.kmsKey.keyArn;
    this.securityConfiguration = new GlueSecurityConfigurationResource(this, "configuration", {
      name: props.name,
      encryptionConfiguration: {
        s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn },
        cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn },
        jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn },
      },
    });
    this.name = this.securityConfiguration.name;
    this.configuredName = props.name;
    // Glue names the groups of jobs with this configuration "<name>-role/<role>/...": the ones it
    // creates beyond those the jobs create first stay within this environment's prefix.
    props.kmsKey.allowLogGroup(`/aws-glue/jobs/${props.name}-role/*`);
    this.kmsKey = props.kmsKey;
    // No log group here: Glue 5.x has no continuous-logging group; each job creates the two groups
    // it writes (GlueJob).
  }
}
