import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { ServiceRole, type ServiceRoleProps } from "../../../modules/shared/service-role";
import { synthConstruct } from "../../support/construct-synth";
import { policyStatements } from "../../support/terraform-json";

const PROPS: ServiceRoleProps = {
  roleName: "metriccare_bronze_job_dev",
  servicePrincipal: "glue.amazonaws.com",
  description: "Role of the bronze job",
  statements: [{ sid: "ReadRaw", effect: "Allow", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::raw/fhir/*"] }],
};

describe("ServiceRole", () => {
  it("lets exactly the one service principal assume the role", () => {
    // Act
    const { json, resource } = synthConstruct((scope) => new ServiceRole(scope, "role", PROPS));
    // Assess
    expect(policyStatements(json, resource("aws_iam_role", "role/role").assume_role_policy)).toEqual([
      { effect: "Allow", actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["glue.amazonaws.com"] }] },
    ]);
  });

  it("names and describes the role, without a permissions boundary by default", () => {
    // Act
    const { synth, resource } = synthConstruct((scope) => new ServiceRole(scope, "role", PROPS));
    // Assess
    expect(synth).toHaveResourceWithProperties(IamRole, { name: "metriccare_bronze_job_dev", description: "Role of the bronze job" });
    expect(resource("aws_iam_role", "role/role")).not.toHaveProperty("permissions_boundary");
  });

  it("attaches the permissions boundary when one is given", () => {
    // Act
    const { synth } = synthConstruct(
      (scope) => new ServiceRole(scope, "role", { ...PROPS, permissionsBoundaryArn: "arn:aws:iam::123456789012:policy/boundary" }),
    );
    // Assess
    expect(synth).toHaveResourceWithProperties(IamRole, { permissions_boundary: "arn:aws:iam::123456789012:policy/boundary" });
  });

  it("grants exactly the given statements in one inline policy named least-privilege", () => {
    // Act
    const { synth, json, ref, dataRef } = synthConstruct((scope) => new ServiceRole(scope, "role", PROPS));
    // Assess
    expect(synth).toHaveResourceWithProperties(IamRolePolicy, {
      name: "least-privilege",
      role: ref("aws_iam_role", "role/role", "id"),
      policy: dataRef("aws_iam_policy_document", "role/permissions", "json"),
    });
    expect(policyStatements(json, dataRef("aws_iam_policy_document", "role/permissions", "json"))).toEqual([
      { sid: "ReadRaw", effect: "Allow", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::raw/fhir/*"] },
    ]);
  });

  it("exposes the role's ARN and name, and the inline policy", () => {
    // Act
    const { built, resolve, ref } = synthConstruct((scope) => new ServiceRole(scope, "role", PROPS));
    // Assess
    expect(resolve(built.roleArn)).toBe(ref("aws_iam_role", "role/role", "arn"));
    expect(resolve(built.roleName)).toBe(ref("aws_iam_role", "role/role", "name"));
    expect(built.policy).toBeInstanceOf(IamRolePolicy);
    expect(built.role).toBeInstanceOf(IamRole);
  });
});
