import { unzipSync } from "fflate";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import { zipPythonPackage } from "../../packaging/python-package";
import { tempDirectory, writeFile } from "../support/test-context";

/** A package `metriccare_etl` with a subpackage, build output, dotfiles and a dot-folder. */
function pythonPackage(): string {
  const root = join(tempDirectory(), "metriccare_etl");
  const sub = join(root, "silver");
  for (const dir of [root, sub, join(root, "__pycache__"), join(sub, "__pycache__"), join(root, ".mypy_cache")])
    mkdirSync(dir, { recursive: true });
  writeFile(root, "__init__.py", "");
  writeFile(root, "bronze.py", "def run():\n    return 1\n");
  writeFile(root, "stale.pyc", "bytecode");
  writeFile(root, ".env", "SECRET=1");
  writeFile(join(root, "__pycache__"), "bronze.cpython-311.pyc", "bytecode");
  writeFile(join(root, ".mypy_cache"), "cache.json", "{}");
  writeFile(sub, "__init__.py", "from .patient import *\n");
  writeFile(sub, "patient.py", "PATIENT = 'patient'\n");
  writeFile(sub, ".DS_Store", "finder");
  writeFile(join(sub, "__pycache__"), "patient.cpython-311.pyc", "bytecode");
  return root;
}

describe("zipPythonPackage", () => {
  it("zips the sources under <package>/ so `import metriccare_etl` works, without __pycache__, .pyc files or dotfiles", () => {
    // Prepare
    const root = pythonPackage();
    // Act
    const zipPath = zipPythonPackage(root, join(tempDirectory(), "metriccare_etl.zip"));
    // Assess
    const files = unzipSync(readFileSync(zipPath));
    expect(Object.keys(files)).toEqual([
      "metriccare_etl/__init__.py",
      "metriccare_etl/bronze.py",
      "metriccare_etl/silver/__init__.py",
      "metriccare_etl/silver/patient.py",
    ]);
    expect(Buffer.from(files["metriccare_etl/silver/patient.py"] as Uint8Array).toString()).toBe("PATIENT = 'patient'\n");
  });

  it("writes the same bytes for the same sources, whatever their modification times", () => {
    // Prepare
    const root = pythonPackage();
    const first = readFileSync(zipPythonPackage(root, join(tempDirectory(), "first.zip")));
    utimesSync(join(root, "bronze.py"), new Date("2030-06-01T12:00:00Z"), new Date("2030-06-01T12:00:00Z"));
    // Act
    const second = readFileSync(zipPythonPackage(root, join(tempDirectory(), "second.zip")));
    // Assess
    expect(second.equals(first)).toBe(true);
  });

  it("creates the ZIP's folder and returns its absolute path, also for a relative path", () => {
    // Prepare
    const root = pythonPackage();
    const target = join(tempDirectory(), "build", "artifacts", "metriccare_etl.zip");
    // Act
    const zipPath = zipPythonPackage(root, relative(process.cwd(), target));
    // Assess
    expect(isAbsolute(zipPath)).toBe(true);
    expect(zipPath).toBe(target);
    expect(existsSync(target)).toBe(true);
  });

  describe("build cache", () => {
    const LONG_AGO = new Date("2001-01-01T00:00:00Z");

    it("reuses the ZIP it wrote while the package's files are unchanged", () => {
      // Prepare
      const root = pythonPackage();
      const zipPath = zipPythonPackage(root, join(tempDirectory(), "metriccare_etl.zip"));
      utimesSync(zipPath, LONG_AGO, LONG_AGO);
      // Act
      const again = zipPythonPackage(root, zipPath);
      // Assess
      expect(again).toBe(zipPath);
      expect(statSync(zipPath).mtime).toEqual(LONG_AGO);
      expect(existsSync(`${zipPath}.inputs.json`)).toBe(true);
    });

    it.each<[string, (root: string, zipPath: string) => void, string[]]>([
      [
        "a source file's content changes",
        (root) => writeFile(root, "bronze.py", "def run():\n    return 2\n"),
        ["metriccare_etl/__init__.py", "metriccare_etl/bronze.py", "metriccare_etl/silver/__init__.py", "metriccare_etl/silver/patient.py"],
      ],
      [
        "a file is added",
        (root) => writeFile(root, "gold.py", "G = 1\n"),
        [
          "metriccare_etl/__init__.py",
          "metriccare_etl/bronze.py",
          "metriccare_etl/gold.py",
          "metriccare_etl/silver/__init__.py",
          "metriccare_etl/silver/patient.py",
        ],
      ],
      [
        "a file is removed",
        (root) => rmSync(join(root, "silver", "patient.py")),
        ["metriccare_etl/__init__.py", "metriccare_etl/bronze.py", "metriccare_etl/silver/__init__.py"],
      ],
      [
        "the ZIP was deleted",
        (_, zipPath) => rmSync(zipPath),
        ["metriccare_etl/__init__.py", "metriccare_etl/bronze.py", "metriccare_etl/silver/__init__.py", "metriccare_etl/silver/patient.py"],
      ],
    ])("rebuilds when %s", (_, change, paths) => {
      // Prepare
      const root = pythonPackage();
      const zipPath = zipPythonPackage(root, join(tempDirectory(), "metriccare_etl.zip"));
      change(root, zipPath);
      // Act
      zipPythonPackage(root, zipPath);
      // Assess
      const files = unzipSync(readFileSync(zipPath));
      expect(Object.keys(files)).toEqual(paths);
      expect(Buffer.from(files["metriccare_etl/bronze.py"] as Uint8Array).toString()).toBe(readFileSync(join(root, "bronze.py"), "utf8"));
    });
  });

  it("rejects a folder without __init__.py at its top, even if a subfolder has one", () => {
    // Prepare
    const root = join(tempDirectory(), "not_a_package");
    mkdirSync(join(root, "sub"), { recursive: true });
    writeFile(join(root, "sub"), "__init__.py", "");
    // Act
    const act = () => zipPythonPackage(root, join(tempDirectory(), "x.zip"));
    // Assess
    expect(act).toThrow(`"${root}" is not a Python package: it has no __init__.py.`);
  });

  it("refuses a symlink instead of leaving it out of the archive", () => {
    // Prepare
    const root = pythonPackage();
    symlinkSync(join(root, "bronze.py"), join(root, "alias.py"));
    // Act
    const act = () => zipPythonPackage(root, join(tempDirectory(), "x.zip"));
    // Assess
    expect(act).toThrow(`"${join(root, "alias.py")}" is not a regular file or folder; the Python package may hold only files and folders.`);
  });
});
