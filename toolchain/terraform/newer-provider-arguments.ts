/**
 * Arguments the stack uses that the mirror's AWS provider 5.100.0 lacks (they came with the 6.x line
 * the bindings are generated from, 6.25.0). The override that runs the stack on an older provider
 * removes exactly these; an argument missing from the provider and not listed here fails the
 * Terraform suite, so a new 6.x-only argument is added here with its reason instead of vanishing.
 */
export const NEWER_PROVIDER_ARGUMENTS: readonly { readonly argument: string; readonly reason: string }[] = [
  {
    argument: "aws_s3_bucket_server_side_encryption_configuration.rule.blocked_encryption_types",
    reason:
      "Blocks SSE-C uploads to the bucket; added in hashicorp/aws 6.x (S3's BlockedEncryptionTypes, 2025). Without it the bucket only loses the SSE-C block.",
  },
  {
    argument: "aws_dynamodb_table.global_secondary_index.warm_throughput",
    reason:
      "The on-demand baseline DynamoDB reports for the index, declared so that provider 6.17+ plans no remove-and-add of the GSI (terraform-provider-aws #44692); 5.100.0 has no per-index warm_throughput.",
  },
];
