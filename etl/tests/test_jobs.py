"""The job scripts: they compile, stay thin, and the package they ship imports from a zip. They run end
to end on the real runtime in test_end_to_end.py."""

import ast
import py_compile
import subprocess
import sys
import tempfile
import unittest
import zipfile
from pathlib import Path

import pyspark
from local_runtime.spark_session import package_sources, package_zip

ETL = Path(__file__).parents[1]
JOBS = sorted((ETL / "jobs").glob("*.py"))
PACKAGE = ETL / "metriccare_etl"
# What a job script may import: the package does the work, these only run it.
ALLOWED_IMPORTS = {"json", "boto3", "metriccare_etl"}


class JobScriptsTest(unittest.TestCase):
    def test_there_is_one_script_per_layer(self):
        self.assertEqual([job.name for job in JOBS], ["bronze_job.py", "gold_job.py", "silver_job.py"])

    def test_every_script_compiles(self):
        with tempfile.TemporaryDirectory() as directory:
            for job in JOBS:
                with self.subTest(job=job.name):
                    py_compile.compile(str(job), cfile=str(Path(directory) / f"{job.stem}.pyc"), doraise=True)

    def test_scripts_are_a_thin_layer_over_the_package(self):
        for job in JOBS:
            with self.subTest(job=job.name):
                tree = ast.parse(job.read_text())
                imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
                imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
                self.assertLessEqual(imported, ALLOWED_IMPORTS)
                self.assertLess(len(job.read_text().splitlines()), 40)

    def test_awsglue_is_imported_by_the_glue_adapter_only(self):
        # Prepare
        sources = package_sources(PACKAGE) + JOBS
        # Act
        importers = []
        for source in sources:
            for node in ast.walk(ast.parse(source.read_text())):
                names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
                names += [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
                if any(name.split(".")[0] == "awsglue" for name in names):
                    importers.append(source.relative_to(ETL).as_posix())
        # Assess
        self.assertEqual(sorted(set(importers)), ["metriccare_etl/glue_session.py"])

    def test_the_package_imports_from_its_zip_with_the_standard_library_and_pyspark(self):
        # Prepare: the archive the Python workers get, as the stack ships it with --extra-py-files
        archive = package_zip()
        with zipfile.ZipFile(archive) as zipped:
            names = sorted(zipped.namelist())
        modules = [name[: -len(".py")].replace("/", ".").removesuffix(".__init__") for name in names]
        # Silver and Gold are Spark DataFrame code: pyspark (Glue's own) is the one package besides the standard library.
        pyspark_root = str(Path(pyspark.__file__).parents[1])
        code = f"import sys; sys.path[:] = [{archive!r}, {pyspark_root!r}] + [p for p in sys.path if 'site-packages' not in p]\n"
        code += "".join(f"import {module}\n" for module in modules)
        # Act
        result = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True)
        # Assess: every source is in the archive, subpackages included, and every module imports from it
        self.assertEqual(names, [f"metriccare_etl/{source.relative_to(PACKAGE).as_posix()}" for source in package_sources(PACKAGE)])
        self.assertIn("metriccare_etl.silver.patient", modules)
        self.assertEqual(result.returncode, 0, result.stderr)
