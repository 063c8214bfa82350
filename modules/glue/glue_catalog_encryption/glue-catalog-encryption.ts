import { GlueDataCatalogEncryptionSettings } from "@cdktf/provider-aws/lib/glue-data-catalog-encryption-settings";
import { conditional, Token, type IResolvable } from "cdktf";
import { Construct } from "constructs";
import type { DataLakeKey } from "../../kms/kms-key";

/** Props for {@link GlueCatalogEncryption}. */
export interface GlueCatalogEncryptionProps {
  /** Key the catalog metadata and connection passwords are encrypted with. */
  readonly kmsKey: DataLakeKey;
  /**
   * Whether this workspace manages the setting. It is one per account and region: when several
   * workspaces share an account, exactly one of them may manage it, or they overwrite each other.
   * `false` synthesizes nothing; a per-workspace token synthesizes a resource with `count`.
   */
  readonly enabled: boolean | IResolvable;
}

/**
 * Data Catalog encryption at rest (SSE-KMS) and encrypted connection passwords, for the whole
 * account and region. Everyone who reads the catalog (Athena users, Power BI's role) then needs
 * `kms:Decrypt` on the key.
 */
export class GlueCatalogEncryption extends Construct {
  /** The settings resource, unless disabled. */
  public readonly settings?: GlueDataCatalogEncryptionSettings;

  public constructor(scope: Construct, id: string, props: GlueCatalogEncryptionProps) {
    super(scope, id);
    if (props.enabled === false) return;
    this.settings = new GlueDataCatalogEncryptionSettings(this, "settings", {
      count: props.enabled === true ? undefined : Token.asNumber(conditional(props.enabled, 1, 0)),
      dataCatalogEncryptionSettings: {
        encryptionAtRest: { catalogEncryptionMode: "SSE-KMS", sseAwsKmsKeyId: props.kmsKey.keyArn },
        connectionPasswordEncryption: { returnConnectionPasswordEncrypted: true, awsKmsKeyId: props.kmsKey.keyArn },
      },
    });
  }
}
