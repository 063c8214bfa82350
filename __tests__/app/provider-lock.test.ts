import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import {
  filesystemMirrors,
  lockedAwsConstraints,
  lockIsCurrent,
  lockProvidersFromMirror,
  mirrorWithAwsProvider,
  terraformPlatform,
  versionSatisfies,
} from "../../app/provider-lock";
import { DeployRefusedError } from "../../app/errors";
import { terraformForTests } from "../terraform/terraform-support";
import { tempDirectory, writeFile } from "../support/test-context";

/** A lock file as `terraform init` writes it. */
const lockFile = (constraints: string, version = "5.100.0"): string =>
  [
    '# This file is maintained automatically by "terraform init".',
    "",
    'provider "registry.terraform.io/hashicorp/aws" {',
    `  version     = "${version}"`,
    `  constraints = "${constraints}"`,
    "  hashes = [",
    '    "h1:edXOJWE4ORX8Fm+dpVpICzMZJat4AX0VRCAy/xkcOc0=",',
    "  ]",
    "}",
    "",
  ].join("\n");

describe("versionSatisfies", () => {
  it.each([
    ["6.25.0", "6.25.0", true],
    ["6.25.0", "= 6.25.0", true],
    ["6.25.1", "6.25.0", false],
    ["6.25.0", ">= 5.100.0", true],
    ["5.99.0", ">= 5.100.0", false],
    ["6.25.0", ">= 5.100.0, < 6.0.0", false],
    ["6.25.0", "~> 6.0", true],
    ["7.0.0", "~> 6.0", false],
    ["6.25.9", "~> 6.25.0", true],
    ["6.26.0", "~> 6.25.0", false],
    ["6.25.0", "!= 6.25.0", false],
  ])("%s meets %p: %p", (version, constraints, expected) => {
    expect(versionSatisfies(version, constraints)).toBe(expected);
  });
});

describe("lockIsCurrent", () => {
  it.each([
    ["the lock's constraints admit the JSON's version", true, lockFile("6.25.0", "6.25.0")],
    ["a range that admits it (the test override's)", true, lockFile(">= 5.100.0")],
    ["another pinned version", false, lockFile("5.100.0")],
    ["no lock file", false, undefined],
    ["no AWS provider in the lock", false, "# empty\n"],
  ])("%s → %p", (_case, expected, lock) => {
    expect(lockIsCurrent(lock, "6.25.0")).toBe(expected);
  });

  it("reads the AWS provider's constraints", () => {
    expect(lockedAwsConstraints(lockFile(">= 5.100.0"))).toBe(">= 5.100.0");
  });
});

describe("lockProvidersFromMirror without Terraform", () => {
  it("leaves the lock to cdktf when Terraform is not there (the synth's missing-Terraform note speaks)", () => {
    // Prepare
    const stack = tempDirectory("metriccare-lock-");
    const mirror = tempDirectory("metriccare-mirror-");
    mkdirSync(join(mirror, "registry.terraform.io", "hashicorp", "aws"), { recursive: true });
    const config = writeFile(
      tempDirectory(),
      "cli.tfrc",
      `provider_installation {\n  filesystem_mirror {\n    path = "${mirror}"\n  }\n}\n`,
    );

    // Act
    const result = lockProvidersFromMirror({
      stackDirectory: stack,
      requiredVersion: "6.25.0",
      terraform: "/nowhere/terraform",
      env: { TF_CLI_CONFIG_FILE: config },
    });

    // Assess
    expect(result).toBeUndefined();
  });
});

describe("filesystemMirrors", () => {
  it("takes the filesystem_mirror paths of a provider_installation block, in order", () => {
    // Prepare
    const config = [
      "provider_installation {",
      '  filesystem_mirror {\n    path    = "/opt/tf-plugins"\n    include = ["registry.terraform.io/hashicorp/*"]\n  }',
      '  filesystem_mirror {\n    include = ["example.com/*/*"]\n    path = "/srv/mirror"\n  }',
      '  direct {\n    exclude = ["registry.terraform.io/hashicorp/*"]\n  }',
      "}",
    ].join("\n");

    // Act
    const mirrors = filesystemMirrors(config, "/repo/cdktf.out/stacks/metriccare");

    // Assess
    expect(mirrors).toEqual(["/opt/tf-plugins", "/srv/mirror"]);
  });

  it("uses Terraform's implied local mirrors without a provider_installation block", () => {
    // Act
    const mirrors = filesystemMirrors("disable_checkpoint = true\n", "/repo/stack", { XDG_DATA_DIRS: "/usr/share" });

    // Assess
    expect(mirrors.slice(0, 2)).toEqual([join("/repo/stack", "terraform.d", "plugins"), join(homedir(), ".terraform.d", "plugins")]);
    expect(mirrors).toContain(join("/usr/share", "terraform", "plugins"));
  });

  it("picks the first mirror that holds hashicorp/aws", () => {
    // Prepare
    const empty = tempDirectory();
    const holding = tempDirectory();
    mkdirSync(join(holding, "registry.terraform.io", "hashicorp", "aws"), { recursive: true });

    // Act
    const mirror = mirrorWithAwsProvider([empty, holding]);

    // Assess
    expect(mirror).toBe(holding);
  });
});

const tool = terraformForTests();
(tool ? describe : describe.skip)("lockProvidersFromMirror (Terraform and the provider mirror)", () => {
  it("writes the lock from the CLI configuration's mirror without the registry, once", () => {
    // Prepare
    const stack = tempDirectory("metriccare-lock-");
    const json = { terraform: { required_providers: { aws: { source: "hashicorp/aws", version: tool!.providerVersion } } } };
    writeFile(stack, "cdk.tf.json", JSON.stringify(json));
    // A proxy nobody listens on: any call to registry.terraform.io fails at once.
    const env = { ...process.env, TF_CLI_CONFIG_FILE: tool!.cliConfigFile, CHECKPOINT_DISABLE: "1", HTTPS_PROXY: "http://127.0.0.1:9" };

    // Act
    const first = lockProvidersFromMirror({
      stackDirectory: stack,
      requiredVersion: tool!.providerVersion,
      terraform: tool!.terraform,
      env,
    });
    const second = lockProvidersFromMirror({
      stackDirectory: stack,
      requiredVersion: tool!.providerVersion,
      terraform: tool!.terraform,
      env,
    });

    // Assess
    expect(first).toBe(
      `Provider lock: wrote .terraform.lock.hcl from the filesystem mirror ${tool!.mirror} (${terraformPlatform()}); cdktf's own "terraform providers lock" ignores mirrors and would ask registry.terraform.io.`,
    );
    expect(lockedAwsConstraints(readFileSync(join(stack, ".terraform.lock.hcl"), "utf8"))).toBe(tool!.providerVersion);
    expect(second).toBeUndefined();
  }, 60_000);

  it("refuses with Terraform's words and the fix when the mirror lacks the version the JSON pins", () => {
    // Prepare
    const stack = tempDirectory("metriccare-lock-");
    writeFile(
      stack,
      "cdk.tf.json",
      JSON.stringify({ terraform: { required_providers: { aws: { source: "hashicorp/aws", version: "1.0.0" } } } }),
    );
    const env = { ...process.env, TF_CLI_CONFIG_FILE: tool!.cliConfigFile, CHECKPOINT_DISABLE: "1", HTTPS_PROXY: "http://127.0.0.1:9" };

    // Act
    const act = () => lockProvidersFromMirror({ stackDirectory: stack, requiredVersion: "1.0.0", terraform: tool!.terraform, env });

    // Assess
    expect(act).toThrow(DeployRefusedError);
    expect(act).toThrow(
      new RegExp(
        `failed: [\\s\\S]*The CLI configuration \\(${tool!.cliConfigFile}\\) installs registry\\.terraform\\.io/hashicorp/aws from the filesystem mirror ${tool!.mirror}; put version 1\\.0\\.0 there \\(terraform providers mirror\\), or run cdktf with --skip-provider-lock\\.$`,
      ),
    );
  }, 60_000);

  it("does nothing without a mirror: the registry then serves cdktf's own lock", () => {
    // Prepare
    const stack = tempDirectory("metriccare-lock-");
    writeFile(stack, "cdk.tf.json", "{}");
    const config = writeFile(tempDirectory(), "cli.tfrc", "provider_installation {\n  direct {}\n}\n");

    // Act
    const result = lockProvidersFromMirror({
      stackDirectory: stack,
      requiredVersion: "6.25.0",
      terraform: tool!.terraform,
      env: { TF_CLI_CONFIG_FILE: config },
    });

    // Assess
    expect(result).toBeUndefined();
    expect(existsSync(join(stack, ".terraform.lock.hcl"))).toBe(false);
  });
});
