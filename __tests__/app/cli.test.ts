import { chmodSync } from "node:fs";
import { missingTerraformNote } from "../../app/cli";
import { tempDirectory, writeFile } from "../support/test-context";

describe("missingTerraformNote", () => {
  it("explains, under the cdktf CLI, that diff and deploy need Terraform when it is not on PATH", () => {
    // Prepare
    const emptyPath = tempDirectory();

    // Act
    const note = missingTerraformNote({ CDKTF_OUTDIR: "cdktf.out", PATH: emptyPath });

    // Assess
    expect(note).toBe(
      'Terraform ("terraform") was not found on PATH: "cdktf diff" and "cdktf deploy" run it after this synth and would stop with "execvp(3) failed.". Install Terraform 1.10 or newer (https://developer.hashicorp.com/terraform/install), or set TERRAFORM_BINARY_NAME to its path. The synthesized JSON is written either way.',
    );
  });

  it("says nothing when Terraform is on PATH, or outside the cdktf CLI (npm run synth)", () => {
    // Prepare
    const bin = tempDirectory();
    chmodSync(writeFile(bin, "terraform", "#!/bin/sh\n"), 0o755);

    // Act
    const onPath = missingTerraformNote({ CDKTF_OUTDIR: "cdktf.out", PATH: bin });
    const plainSynth = missingTerraformNote({ PATH: tempDirectory() });

    // Assess
    expect(onPath).toBeUndefined();
    expect(plainSynth).toBeUndefined();
  });

  it("looks for TERRAFORM_BINARY_NAME, which cdktf runs instead of terraform", () => {
    // Prepare
    const bin = tempDirectory();
    chmodSync(writeFile(bin, "tofu", "#!/bin/sh\n"), 0o755);

    // Act
    const found = missingTerraformNote({ CDKTF_OUTDIR: "cdktf.out", PATH: bin, TERRAFORM_BINARY_NAME: "tofu" });
    const missing = missingTerraformNote({ CDKTF_OUTDIR: "cdktf.out", PATH: bin, TERRAFORM_BINARY_NAME: "/nowhere/terraform" });

    // Assess
    expect(found).toBeUndefined();
    expect(missing).toContain('Terraform ("/nowhere/terraform") was not found on PATH');
  });
});
