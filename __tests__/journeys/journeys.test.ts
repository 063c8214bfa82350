import type { Principal } from "../support/iam/policy-evaluator";
import { WorkspacePolicies } from "../support/iam/workspace-policies";
import {
  analystQuery,
  auditorReadsTrail,
  biNavigator,
  glueJobRuntime,
  lambdaRuntime,
  serviceDeliveries,
} from "../support/journeys/documented-journeys";
import { DEPLOYER, journeyConfig } from "../support/journeys/journey-config";
import { ADMINISTRATOR_ACCESS, describeFindings, findings, recordedJourney, type JourneyCall } from "../support/journeys/journey";
import { loadRecording, type ArnScope, type Recording } from "../support/journeys/recorded-calls";
import { buildMetricCareStack } from "../support/metriccare-stack";
import type { TerraformJson } from "../support/terraform-json";

// Every call of every actor's journey, authorized as IAM does against the policies each workspace gets
// (identity, resource, key and trust policies, grants), must be allowed. The recorded journeys come
// from the suites that run the real tools (`npm test` runs this file after them); the documented ones
// from the AWS pages each call names. A denied call fails the test with the call, the actor and the
// statement that denied it.

const WORKSPACES = ["dev", "prod"] as const;

/** Who each actor of a journey is in a workspace of `stack`. */
function principalsOf(policies: WorkspacePolicies, accountId: string): (actor: string) => Principal {
  const deployer: Principal = { kind: "role", arn: DEPLOYER, account: accountId, policies: [ADMINISTRATOR_ACCESS] };
  // A configured feed or auditor has no identity policy here: the stack's resource policies alone must let it work.
  const configured = (setting: string): Principal => {
    const [arn] = policies.resolve(`\${local.environment.${setting}}`) as string[];
    return arn === undefined ? deployer : { kind: "role", arn, account: accountId, policies: [] };
  };
  const role = (path: string): Principal => policies.rolePrincipal(String(policies.resourceAt("aws_iam_role", `/${path}`)?.name));
  return (actor) => {
    switch (actor) {
      case "deployer":
        return deployer;
      case "uploader":
        return configured("fhirUploaderArns");
      case "auditor":
        return configured("auditorRoleArns");
      case "analyst":
        return role("analyst/role");
      case "trigger":
        return role("trigger_glue/role/role");
      default:
        if (/^(bronze|silver|gold)_job$/.test(actor)) return role(`${actor}/role/role`);
        throw new Error(`No principal for the actor "${actor}".`);
    }
  };
}

function policiesFor(stack: TerraformJson, workspace: string, accountId: string): WorkspacePolicies {
  return new WorkspacePolicies(stack, { workspace, accountId, deployerRoleArn: DEPLOYER });
}

/** A recorded journey, one `it` per workspace: every call allowed. */
function recorded(name: string, writtenBy: string, actorOf: (call: Recording["calls"][number]) => string | undefined): void {
  describe(`${name} (recorded by ${writtenBy})`, () => {
    let recording: Recording;
    beforeAll(() => {
      recording = loadRecording(name, writtenBy);
    });

    it.each(WORKSPACES)("every call is allowed in %s", (workspace) => {
      // Prepare
      const source = policiesFor(recording.stack, recording.workspace, recording.accountId);
      const target = policiesFor(recording.stack, workspace, recording.accountId);
      const calls = recordedJourney(recording, source, target, actorOf);
      // Act
      const found = findings(calls, target, principalsOf(target, recording.accountId));
      // Assess
      expect(calls.length).toBeGreaterThan(0);
      expect(describeFindings(found)).toBe("");
    });
  });
}

const TERRAFORM = "the Terraform suite (__tests__/terraform/emulator-apply.test.ts)";
const asRecorded = (call: Recording["calls"][number]): string | undefined => call.actor ?? undefined;
recorded("deployer-apply", TERRAFORM, asRecorded);
recorded("deployer-refresh", TERRAFORM, asRecorded);
recorded("deployer-change", TERRAFORM, asRecorded);
recorded("deployer-destroy", TERRAFORM, asRecorded);
recorded("uploader", TERRAFORM, asRecorded);
recorded("trigger", "the trigger bundle's integration test (__tests__/functions/glue_trigger/integration.test.ts)", asRecorded);
recorded("glue-jobs", "the end-to-end ETL test (etl/tests/e2e_workflow.py)", asRecorded);
recorded("analyst-trino", "the Trino comparisons of the end-to-end lake (etl/tests/test_trino_queries.py)", asRecorded);

describe("documented journeys", () => {
  const config = journeyConfig();
  const { json } = buildMetricCareStack({ config });
  const scope: ArnScope = { accountId: "123456789012", region: config.awsRegion };
  const journeys: [string, (policies: WorkspacePolicies, scope: ArnScope) => JourneyCall[]][] = [
    ["Glue runs each job with its role", glueJobRuntime],
    ["Lambda invokes the trigger with its role", lambdaRuntime],
    ["S3, EventBridge, CloudWatch and CloudTrail deliver", serviceDeliveries],
    ["an analyst runs a named query in Athena", analystQuery],
    ["Power BI's navigator lists Gold through the Athena ODBC driver", biNavigator],
    ["an auditor reads the data-event trail", auditorReadsTrail],
  ];
  const cases = journeys.flatMap(([name, journey]) => WORKSPACES.map((workspace) => [name, workspace, journey] as const));

  it.each(cases)("%s: every call is allowed in %s", (_, workspace, journey) => {
    // Prepare
    const policies = policiesFor(json, workspace, scope.accountId);
    const calls = journey(policies, scope);
    // Act
    const found = findings(calls, policies, principalsOf(policies, scope.accountId));
    // Assess
    expect(calls.length).toBeGreaterThan(0);
    expect(describeFindings(found)).toBe("");
  });
});
