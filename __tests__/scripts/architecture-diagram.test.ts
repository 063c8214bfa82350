import { readFileSync } from "node:fs";
import { join } from "node:path";
import { metricCareConfig } from "../../config/metriccare.config";
import { architectureDiagram, architectureDocument } from "../../scripts/diagram/architecture-diagram";
import { buildMetricCareStack, PROJECT_ROOT } from "../support/metriccare-stack";
import { fixtureFunctionBundle } from "../support/test-context";

describe("architecture diagram", () => {
  // Prepare (shared): the whole stack, synthesized as `npm run synth` does. The one test that reads the
  // shipped configuration: docs/architecture.md is drawn from it, so a user's edit makes it stale (README).
  const { json } = buildMetricCareStack({ config: metricCareConfig });
  const diagram = architectureDiagram(json);

  it("docs/architecture.md is up to date (run `npm run diagram` after changing the stack)", () => {
    expect(readFileSync(join(PROJECT_ROOT, "docs", "architecture.md"), "utf8")).toBe(architectureDocument(json));
  });

  it.each([
    ["S3 → Lambda", 'raw_bucket_bucket -->|"ObjectCreated fhir/*.json, ObjectCreated fhir/*.ndjson"| trigger_glue_function'],
    ["Lambda → Glue workflow", 'trigger_glue_function -->|"GLUE_WORKFLOW_NAME"| etl_workflow_workflow'],
    ["workflow → bronze job", 'etl_workflow_workflow -->|"starts (ON_DEMAND)"| bronze_job_job'],
    ["bronze → silver", 'bronze_job_job -->|"then, when SUCCEEDED"| silver_job_job'],
    ["silver → gold", 'silver_job_job -->|"then, when SUCCEEDED"| gold_job_job'],
    ["Glue job state changes → SNS", 'event_bridge_job_state -->|"target"| alerts_topic'],
    ["Glue job state changes → Lambda", 'event_bridge_job_state -->|"target"| trigger_glue_function'],
    ["schedule → Lambda", 'event_bridge_schedule -->|"target"| trigger_glue_function'],
    ["alarms → SNS", 'cloudwatch_aws_cloudwatch_metric_alarm -->|"alarm_actions, ok_actions"| alerts_topic'],
    ["Lambda → on-failure queue", 'trigger_glue_function -->|"failed async events"| trigger_glue_on_failure_queue'],
    ["Lambda → alerts", 'trigger_glue_function -->|"ALERTS_TOPIC_ARN"| alerts_topic'],
  ])("draws the %s flow", (_, edge) => {
    expect(diagram.split("\n")).toContain(`  ${edge}`);
  });

  it("groups resources by construct within their domain and folds settings into a count", () => {
    expect(diagram).toContain('  subgraph domain_storage["storage"]');
    expect(diagram).toContain('    subgraph group_raw_bucket["raw_bucket (+8 settings)"]\n      raw_bucket_bucket["S3 bucket"]\n    end');
    expect(diagram).toContain('    subgraph group_kms["kms (+1 setting)"]');
    expect(diagram).toContain('cloudwatch_aws_cloudwatch_metric_alarm["8 × CloudWatch alarm"]');
  });

  it("shows every resource once: as a node, in a box's settings count, or as the edge it makes", () => {
    // Prepare
    const resources = Object.values(json.resource ?? {}).reduce((sum, blocks) => sum + Object.keys(blocks).length, 0);
    const edgeMakers = [
      "aws_s3_bucket_notification",
      "aws_cloudwatch_event_target",
      "aws_lambda_function_event_invoke_config",
      "aws_glue_trigger",
    ];
    const connectors = edgeMakers.reduce((sum, type) => sum + Object.keys(json.resource?.[type] ?? {}).length, 0);

    // Act
    const nodes = [...diagram.matchAll(/^ {6}\w+\["(?:(\d+) × )?[^"]+"\]$/gm)].reduce((sum, m) => sum + Number(m[1] ?? 1), 0);
    const settings = [...diagram.matchAll(/\(\+(\d+) settings?\)/g)].reduce((sum, m) => sum + Number(m[1]), 0);

    // Assess
    expect(nodes + settings + connectors).toBe(resources);
  });

  it("draws the analyst role, a construct of a role alone, with what its policy grants", () => {
    expect(diagram).toContain('    subgraph group_analyst["analyst (+1 setting)"]\n      analyst_role["IAM role"]\n    end');
    expect(diagram.split("\n")).toEqual(
      expect.arrayContaining([
        '  analyst_role -->|"read-gold"| athena_workgroup',
        '  analyst_role -->|"read-gold"| gold_database_database',
        '  analyst_role -->|"read-gold"| lakehouse_bucket_bucket',
      ]),
    );
  });

  it("does not change with build hashes: the same stack with another Lambda package draws the same diagram", () => {
    const { json: other, bundle } = buildMetricCareStack({
      config: metricCareConfig,
      bundle: fixtureFunctionBundle("export const handler = async () => 42;"),
    });
    expect(JSON.stringify(other)).toContain(bundle.sha256Hex);
    expect(JSON.stringify(json)).not.toContain(bundle.sha256Hex);
    expect(architectureDiagram(other)).toBe(diagram);
  });
});
