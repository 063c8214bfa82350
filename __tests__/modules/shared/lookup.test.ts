import { lookup } from "../../../modules/shared/lookup";

describe("lookup", () => {
  it("returns the value stored under the name", () => {
    // Prepare
    const map = new Map([
      ["bronze_job", 1],
      ["gold_job", 2],
    ]);
    // Act
    const value = lookup(map, "gold_job", "UploadScripts", "Glue job script");
    // Assess
    expect(value).toBe(2);
  });

  it("throws naming the owner, what was looked up, and every known name", () => {
    // Prepare
    const map = new Map([
      ["bronze_job", 1],
      ["gold_job", 2],
    ]);
    // Act
    const act = () => lookup(map, "silver_job", "UploadScripts", "Glue job script");
    // Assess
    expect(act).toThrow('UploadScripts: no Glue job script "silver_job"; known: "bronze_job", "gold_job".');
  });

  it('says "none" when the map is empty', () => {
    // Act
    const act = () => lookup(new Map<string, number>(), "lakehouse.json", "UploadFiles", "file");
    // Assess
    expect(act).toThrow('UploadFiles: no file "lakehouse.json"; known: none.');
  });
});
