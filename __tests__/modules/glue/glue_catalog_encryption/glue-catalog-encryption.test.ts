import { GlueDataCatalogEncryptionSettings } from "@cdktf/provider-aws/lib/glue-data-catalog-encryption-settings";
import { ref } from "cdktf";
import { GlueCatalogEncryption } from "../../../../modules/glue/glue_catalog_encryption/glue-catalog-encryption";
import { synthConstruct } from "../../../support/construct-synth";
import { testKey } from "../../../support/test-context";

describe("GlueCatalogEncryption", () => {
  it("encrypts catalog metadata (SSE-KMS) and connection passwords with the key when enabled", () => {
    // Act
    const { synth, ref, resource, built } = synthConstruct(
      (scope) => new GlueCatalogEncryption(scope, "catalog_encryption", { kmsKey: testKey(scope), enabled: true }),
    );
    // Assess
    const keyArn = ref("aws_kms_key", "key/key", "arn");
    expect(synth).toHaveResourceWithProperties(GlueDataCatalogEncryptionSettings, {
      data_catalog_encryption_settings: {
        encryption_at_rest: { catalog_encryption_mode: "SSE-KMS", sse_aws_kms_key_id: keyArn },
        connection_password_encryption: { return_connection_password_encrypted: true, aws_kms_key_id: keyArn },
      },
    });
    expect(resource("aws_glue_data_catalog_encryption_settings", "catalog_encryption/settings")).not.toHaveProperty("count");
    expect(built.settings).toBeInstanceOf(GlueDataCatalogEncryptionSettings);
  });

  it("synthesizes nothing when disabled", () => {
    // Act
    const { json, built } = synthConstruct(
      (scope) => new GlueCatalogEncryption(scope, "catalog_encryption", { kmsKey: testKey(scope), enabled: false }),
    );
    // Assess
    expect(json.resource?.aws_glue_data_catalog_encryption_settings).toBeUndefined();
    expect(built.settings).toBeUndefined();
  });

  it("creates the settings with a count when enabled per workspace", () => {
    // Act
    const { synth } = synthConstruct(
      (scope) =>
        new GlueCatalogEncryption(scope, "catalog_encryption", {
          kmsKey: testKey(scope),
          enabled: ref("local.environment.manageDataCatalogEncryption"),
        }),
    );
    // Assess
    expect(synth).toHaveResourceWithProperties(GlueDataCatalogEncryptionSettings, {
      count: "${local.environment.manageDataCatalogEncryption ? 1 : 0}",
    });
  });
});
