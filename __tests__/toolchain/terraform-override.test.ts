import { chmodSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { ToolchainError } from "../../toolchain/cache";
import { EMULATED_SERVICES, emulatorOverride } from "../../toolchain/terraform/emulator-override";
import { argumentKey, providerOverride, unsupportedArguments, type ProvidersSchema } from "../../toolchain/terraform/provider-override";
import { chooseProviderVersion, findProviderMirror, mirrorProviderVersions } from "../../toolchain/terraform/terraform";
import { tempDirectory, writeFile } from "../support/test-context";

const SCHEMA: ProvidersSchema = {
  provider_schemas: {
    "registry.terraform.io/hashicorp/aws": {
      resource_schemas: {
        aws_s3_bucket_server_side_encryption_configuration: {
          block: {
            attributes: { bucket: {} },
            block_types: {
              rule: {
                block: {
                  attributes: { bucket_key_enabled: {} },
                  block_types: { apply_server_side_encryption_by_default: { block: { attributes: { sse_algorithm: {} } } } },
                },
              },
            },
          },
        },
      },
      data_source_schemas: {},
    },
  },
};

const JSON_WITH_NEWER_ARGUMENT = {
  resource: {
    aws_s3_bucket_server_side_encryption_configuration: {
      raw: {
        "//": { metadata: {} },
        bucket: "b",
        depends_on: ["x.y"],
        rule: [
          {
            apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms" },
            bucket_key_enabled: true,
            blocked_encryption_types: ["SSE-C"],
          },
        ],
      },
    },
  },
};

describe("unsupportedArguments", () => {
  it("finds nested arguments the schema lacks, ignoring meta-arguments and cdktf metadata", () => {
    // Act
    const found = unsupportedArguments(JSON_WITH_NEWER_ARGUMENT, SCHEMA);

    // Assess
    expect(found).toEqual([
      {
        kind: "resource",
        type: "aws_s3_bucket_server_side_encryption_configuration",
        name: "raw",
        path: ["rule", "blocked_encryption_types"],
      },
    ]);
    expect(found.map(argumentKey)).toEqual(["aws_s3_bucket_server_side_encryption_configuration.rule.blocked_encryption_types"]);
  });

  it("refuses a resource type the provider does not have", () => {
    // Act
    const act = () => unsupportedArguments({ resource: { aws_new_thing: { a: {} } } }, SCHEMA);

    // Assess
    expect(act).toThrow(new ToolchainError('The AWS provider in the mirror has no resource type "aws_new_thing".'));
  });
});

describe("providerOverride", () => {
  it("pins the version and writes the nested block again without the argument", () => {
    // Act
    const override = providerOverride(JSON_WITH_NEWER_ARGUMENT, unsupportedArguments(JSON_WITH_NEWER_ARGUMENT, SCHEMA), "5.100.0");

    // Assess
    expect(override).toEqual({
      terraform: { required_providers: { aws: { source: "hashicorp/aws", version: "5.100.0" } } },
      resource: {
        aws_s3_bucket_server_side_encryption_configuration: {
          raw: { rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms" }, bucket_key_enabled: true }] },
        },
      },
    });
  });

  it("refuses a top-level argument, which an override file cannot remove", () => {
    // Act
    const act = () => providerOverride({}, [{ kind: "resource", type: "aws_s3_bucket", name: "raw", path: ["new_argument"] }], "5.100.0");

    // Assess
    expect(act).toThrow(
      /resource\.aws_s3_bucket\.raw: argument "new_argument" .* top-level argument, which an override file cannot remove/,
    );
  });
});

describe("emulatorOverride", () => {
  it("points every service at the emulator and drops the conditional Deny statements of bucket policies", () => {
    // Act
    const override = emulatorOverride(
      { resource: { aws_s3_bucket_policy: { raw: { policy: "${data.aws_iam_policy_document.raw.json}" } } } },
      "http://127.0.0.1:5000",
    ) as { provider: { aws: [{ endpoints: [Record<string, string>]; s3_use_path_style: boolean }] }; resource: unknown };

    // Assess
    expect(override.provider.aws[0].s3_use_path_style).toBe(true);
    expect(override.provider.aws[0].endpoints[0]).toEqual(
      Object.fromEntries(EMULATED_SERVICES.map((service) => [service, "http://127.0.0.1:5000"])),
    );
    expect(override.resource).toEqual({
      aws_s3_bucket_policy: {
        raw: {
          policy:
            '${jsonencode({Version = "2012-10-17", Statement = [for s in jsondecode(data.aws_iam_policy_document.raw.json).Statement : s if !(s.Effect == "Deny" && can(s.Condition))]})}',
        },
      },
    });
  });
});

describe("provider mirror", () => {
  const mirrorWith = (...versions: string[]): string => {
    const mirror = tempDirectory("mirror-");
    for (const version of versions) {
      const dir = join(
        mirror,
        "registry.terraform.io",
        "hashicorp",
        "aws",
        version,
        `${process.platform}_${process.arch === "x64" ? "amd64" : process.arch}`,
      );
      mkdirSync(dir, { recursive: true });
      chmodSync(writeFile(dir, `terraform-provider-aws_v${version}_x5`, ""), 0o755);
    }
    return mirror;
  };

  it("lists versions in version order and prefers the bindings' 6.25.0, else the newest", () => {
    // Act
    const versions = mirrorProviderVersions(mirrorWith("5.9.0", "5.100.0", "6.2.0"));

    // Assess
    expect(versions).toEqual(["5.9.0", "5.100.0", "6.2.0"]);
    expect(chooseProviderVersion(versions)).toBe("6.2.0");
    expect(chooseProviderVersion([...versions, "6.25.0", "6.30.0"])).toBe("6.25.0");
  });

  it("takes METRICCARE_TF_PLUGIN_DIR first and names it when it holds no provider", () => {
    // Prepare
    const mirror = mirrorWith("5.100.0");
    const empty = tempDirectory();

    // Act
    const found = findProviderMirror({ METRICCARE_TF_PLUGIN_DIR: mirror });
    const act = () => findProviderMirror({ METRICCARE_TF_PLUGIN_DIR: empty });

    // Assess
    expect(found).toBe(mirror);
    expect(act).toThrow(`METRICCARE_TF_PLUGIN_DIR is "${empty}", which holds no`);
  });
});
