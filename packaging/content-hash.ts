import { createHash } from "node:crypto";

/** SHA-256 digests of one piece of content, in the two encodings Terraform and S3 keys use. */
export interface ContentHash {
  /** Lowercase hex, used in S3 object keys. */
  readonly sha256Hex: string;
  /** Base64, the encoding of `filebase64sha256()` and Lambda's `source_code_hash`. */
  readonly sha256Base64: string;
}

export function hashContent(data: Uint8Array): ContentHash {
  const digest = createHash("sha256").update(data).digest();
  return { sha256Hex: digest.toString("hex"), sha256Base64: digest.toString("base64") };
}
