import { mkdirSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { UploadFiles } from "../../../../modules/s3/upload_files/upload-files";
import { testBucket } from "../../../support/construct-fixtures";
import { synthConstruct } from "../../../support/construct-synth";
import { tempDirectory, testKey, writeFile } from "../../../support/test-context";

const sha256 = (content: string): string => createHash("sha256").update(content).digest("hex");

/** A folder with two configuration files, a dotfile and a subfolder. */
function configDirectory(): string {
  const directory = tempDirectory();
  writeFile(directory, "lakehouse.json", '{"tables": []}');
  writeFile(directory, "codes.csv", "code,label\n");
  writeFile(directory, ".DS_Store", "finder");
  mkdirSync(join(directory, "nested"));
  writeFile(join(directory, "nested"), "ignored.json", "{}");
  return directory;
}

describe("UploadFiles", () => {
  it("uploads every file directly in the folder under config/, keyed by content hash, skipping dotfiles and subfolders", () => {
    // Prepare
    const directory = configDirectory();
    // Act
    const { resourcesByPath } = synthConstruct(
      (scope) => new UploadFiles(scope, "upload_files", { bucket: testBucket(scope, testKey(scope), "scripts"), directory }),
    );
    // Assess
    const keys = Object.fromEntries(Object.entries(resourcesByPath("aws_s3_object")).map(([path, block]) => [path, block.key]));
    expect(keys).toEqual({
      "upload_files/codes/object": `config/codes-${sha256("code,label\n")}.csv`,
      "upload_files/lakehouse/object": `config/lakehouse-${sha256('{"tables": []}')}.json`,
    });
  });

  it("uses the key prefix given", () => {
    // Prepare
    const directory = configDirectory();
    // Act
    const { resource } = synthConstruct(
      (scope) =>
        new UploadFiles(scope, "upload_files", {
          bucket: testBucket(scope, testKey(scope), "scripts"),
          directory,
          keyPrefix: "etl/config/",
        }),
    );
    // Assess
    expect(resource("aws_s3_object", "upload_files/lakehouse/object").key).toBe(`etl/config/lakehouse-${sha256('{"tables": []}')}.json`);
  });

  it("file() returns the upload of a file name, and objects lists every upload in name order", () => {
    // Prepare
    const directory = configDirectory();
    // Act
    const { built, resolve, ref } = synthConstruct(
      (scope) => new UploadFiles(scope, "upload_files", { bucket: testBucket(scope, testKey(scope), "scripts"), directory }),
    );
    // Assess
    expect(resolve(built.file("lakehouse.json").key)).toBe(ref("aws_s3_object", "upload_files/lakehouse/object", "key"));
    expect(built.objects.map((o) => o.node.id)).toEqual(["codes", "lakehouse"]);
  });

  it("file() throws for a name it did not upload, listing those it did", () => {
    // Prepare
    const directory = configDirectory();
    const { built } = synthConstruct(
      (scope) => new UploadFiles(scope, "upload_files", { bucket: testBucket(scope, testKey(scope), "scripts"), directory }),
    );
    // Act
    const act = () => built.file("lakehouse");
    // Assess
    expect(act).toThrow('UploadFiles: no file "lakehouse"; known: "codes.csv", "lakehouse.json".');
  });

  it("rejects a folder without files", () => {
    // Prepare
    const directory = tempDirectory();
    writeFile(directory, ".gitkeep", "");
    // Act
    const act = () =>
      synthConstruct(
        (scope) => new UploadFiles(scope, "upload_files", { bucket: testBucket(scope, testKey(scope), "scripts"), directory }),
      );
    // Assess
    expect(act).toThrow(`UploadFiles "upload_files": \`directory\` "${directory}" has no files to upload.`);
  });

  it("uploads two files that differ only in their extension", () => {
    // Prepare
    const directory = tempDirectory();
    writeFile(directory, "tables.json", "{}");
    writeFile(directory, "tables.csv", "a\n");
    // Act
    const { built } = synthConstruct(
      (scope) => new UploadFiles(scope, "upload_files", { bucket: testBucket(scope, testKey(scope), "scripts"), directory }),
    );
    // Assess
    expect(built.objects).toHaveLength(2);
  });
});
