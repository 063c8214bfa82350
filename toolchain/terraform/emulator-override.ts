import type { TerraformJsonObject } from "./provider-override";

/** Endpoint names (the provider's `endpoints` block) of every AWS service the stack calls. */
export const EMULATED_SERVICES = [
  "athena",
  "cloudtrail",
  "cloudwatch",
  "dynamodb",
  "events",
  "glue",
  "iam",
  "kms",
  "lambda",
  "logs",
  "s3",
  "sns",
  "sqs",
  "sts",
] as const;

/** The fake credentials the emulator runs use (moto accepts any; account 123456789012). */
export const EMULATOR_CREDENTIALS = { AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing" } as const;

/**
 * An override (`*_override.tf.json`) that points the AWS provider at the emulator on `endpoint` and,
 * for the emulator only, writes each bucket policy without its conditional `Deny` statements:
 * moto 5.2.5 evaluates a bucket policy on object calls but not its conditions, so every
 * conditional Deny (plain HTTP, TLS below 1.2, non-KMS uploads) would deny every upload and read.
 * What the real policies allow is proven by the access journeys (IAM evaluation), not by moto.
 */
export function emulatorOverride(json: TerraformJsonObject, endpoint: string): TerraformJsonObject {
  const policies = (json.resource as Record<string, Record<string, { policy?: unknown }>> | undefined)?.aws_s3_bucket_policy ?? {};
  const withoutConditionalDenies = Object.fromEntries(
    Object.entries(policies).map(([name, block]) => {
      const document = String(block.policy);
      const match = /^\$\{(.*)\}$/s.exec(document);
      const source = match ? match[1] : JSON.stringify(document);
      return [
        name,
        {
          policy: `\${jsonencode({Version = "2012-10-17", Statement = [for s in jsondecode(${source}).Statement : s if !(s.Effect == "Deny" && can(s.Condition))]})}`,
        },
      ];
    }),
  );
  return {
    provider: {
      aws: [
        {
          access_key: EMULATOR_CREDENTIALS.AWS_ACCESS_KEY_ID,
          secret_key: EMULATOR_CREDENTIALS.AWS_SECRET_ACCESS_KEY,
          skip_credentials_validation: true,
          skip_metadata_api_check: true,
          s3_use_path_style: true,
          endpoints: [Object.fromEntries(EMULATED_SERVICES.map((service) => [service, endpoint]))],
        },
      ],
    },
    ...(Object.keys(withoutConditionalDenies).length > 0 ? { resource: { aws_s3_bucket_policy: withoutConditionalDenies } } : {}),
  };
}
