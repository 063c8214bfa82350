import type { PolicyStatement } from "../shared/policy-document";
import { CustomerManagedKey } from "./customer-managed-key";

/**
 * The environment's key for deployment artifacts: the scripts bucket (Glue scripts and libraries,
 * the Lambda package, the lakehouse configuration) and the Lambda function's environment variables.
 * None of it is patient data, so the account's IAM policies decide who uses it (the deployers who
 * upload and configure, the roles that read their code), apart from the PHI key's restrictions:
 * Lambda reads its package and decrypts its environment with the deployer's credentials
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html).
 */
export class ArtifactsKey extends CustomerManagedKey {
  /** IAM statement for a role that reads objects encrypted with this key through S3 (a Glue job's script). */
  public readThroughS3Statement(): PolicyStatement {
    return this.useThroughServicesStatement("ReadArtifactsThroughS3", ["kms:Decrypt"], ["s3"]);
  }
}
