import { isRecord, numberField, recordField, stringField } from "./guards";

/** One object from an S3 `ObjectCreated` record, as the processed-files table records it. */
export interface S3ObjectNotice {
  /** `s3://<bucket>/<key>#<version>`: the table's partition key (docs/processed-files-table.md). */
  readonly fileKey: string;
  readonly bucket: string;
  /** Object key, URL-decoded. */
  readonly objectKey: string;
  readonly versionId: string | undefined;
  readonly eTag: string | undefined;
  readonly sizeBytes: number | undefined;
  readonly sequencer: string | undefined;
  /** `eventTime` of the record. */
  readonly eventTime: string | undefined;
}

/** A record that was not recorded, and why. */
export interface IgnoredRecord {
  readonly index: number;
  readonly reason: string;
}

/** The objects of an S3 notification, without duplicates, and the records left out. */
export interface ParsedS3Records {
  readonly objects: readonly S3ObjectNotice[];
  readonly ignored: readonly IgnoredRecord[];
}

/** Keeps the `ObjectCreated` records of an S3 notification; anything else is listed as ignored, never thrown. */
export function parseS3Records(records: readonly unknown[]): ParsedS3Records {
  const objects = new Map<string, S3ObjectNotice>();
  const ignored: IgnoredRecord[] = [];
  records.forEach((record, index) => {
    const parsed = parseRecord(record, index);
    if (typeof parsed === "string") {
      ignored.push({ index, reason: parsed });
    } else if (!objects.has(parsed.fileKey)) {
      objects.set(parsed.fileKey, parsed);
    }
  });
  return { objects: [...objects.values()], ignored };
}

/** S3 event keys are URL-encoded with `+` for spaces. Throws URIError on a malformed escape. */
export function decodeS3Key(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, " "));
}

function parseRecord(record: unknown, index: number): S3ObjectNotice | string {
  const at = `Record ${index}`;
  if (!isRecord(record)) {
    return `${at} is not an object.`;
  }
  const eventSource = stringField(record, "eventSource");
  if (eventSource !== "aws:s3") {
    return `${at} has eventSource ${JSON.stringify(eventSource ?? null)}, not "aws:s3".`;
  }
  const eventName = stringField(record, "eventName");
  if (eventName === undefined || !eventName.startsWith("ObjectCreated:")) {
    return `${at} is ${JSON.stringify(eventName ?? null)}, not an ObjectCreated event.`;
  }
  const s3 = recordField(record, "s3");
  const bucket = s3 && recordField(s3, "bucket");
  const object = s3 && recordField(s3, "object");
  const bucketName = bucket && stringField(bucket, "name");
  const encodedKey = object && stringField(object, "key");
  if (object === undefined || bucketName === undefined || encodedKey === undefined) {
    return `${at} has no s3.bucket.name or s3.object.key.`;
  }
  let objectKey: string;
  try {
    objectKey = decodeS3Key(encodedKey);
  } catch {
    return `${at} has an object key that is not valid URL encoding: ${JSON.stringify(encodedKey)}.`;
  }
  const versionId = stringField(object, "versionId");
  const eTag = stringField(object, "eTag");
  const sequencer = stringField(object, "sequencer");
  const version = versionId ?? eTag ?? sequencer;
  if (version === undefined) {
    return `${at} has no versionId, eTag or sequencer to identify the object version.`;
  }
  return {
    fileKey: `s3://${bucketName}/${objectKey}#${version}`,
    bucket: bucketName,
    objectKey,
    versionId,
    eTag,
    sizeBytes: numberField(object, "size"),
    sequencer,
    eventTime: stringField(record, "eventTime"),
  };
}
