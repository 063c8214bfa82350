import { GlueTrigger } from "@cdktf/provider-aws/lib/glue-trigger";
import { GlueWorkflow as GlueWorkflowResource } from "@cdktf/provider-aws/lib/glue-workflow";
import { GlueWorkflow, type WorkflowStage } from "../../../../modules/glue/glue_workflow/glue-workflow";
import { MetricCareValidationError } from "../../../../modules/shared/errors";
import { synthConstruct } from "../../../support/construct-synth";

const stage = (name: string): WorkflowStage => ({ name, job: { jobName: `metriccare_${name}_job_dev` } });
const STAGES = [stage("bronze"), stage("silver"), stage("gold")];

describe("GlueWorkflow", () => {
  it("creates the workflow, described by its stages, with one run at a time by default", () => {
    // Act
    const { synth } = synthConstruct(
      (scope) => new GlueWorkflow(scope, "etl_workflow", { workflowName: "metriccare_etl_dev", stages: STAGES }),
    );
    // Assess
    expect(synth).toHaveResourceWithProperties(GlueWorkflowResource, {
      name: "metriccare_etl_dev",
      description: "MetricCare ETL: bronze → silver → gold",
      max_concurrent_runs: 1,
    });
  });

  it("allows the concurrent runs given", () => {
    // Act
    const { synth } = synthConstruct(
      (scope) => new GlueWorkflow(scope, "etl_workflow", { workflowName: "metriccare_etl_dev", stages: STAGES, maxConcurrentRuns: 3 }),
    );
    // Assess
    expect(synth).toHaveResourceWithProperties(GlueWorkflowResource, { max_concurrent_runs: 3 });
  });

  it("starts the first stage on demand", () => {
    // Act
    const { resource, ref } = synthConstruct(
      (scope) => new GlueWorkflow(scope, "etl_workflow", { workflowName: "metriccare_etl_dev", stages: STAGES }),
    );
    // Assess
    expect(resource("aws_glue_trigger", "etl_workflow/start_bronze")).toEqual(
      expect.objectContaining({
        name: "metriccare_etl_dev_start_bronze",
        type: "ON_DEMAND",
        // Enabled, the provider would call StartTrigger after each create or replace and start a run.
        enabled: false,
        workflow_name: ref("aws_glue_workflow", "etl_workflow/workflow", "name"),
        actions: [{ job_name: "metriccare_bronze_job_dev" }],
      }),
    );
    expect(resource("aws_glue_trigger", "etl_workflow/start_bronze")).not.toHaveProperty("predicate");
  });

  it("starts each next stage when the previous stage's job SUCCEEDED, with the trigger enabled on creation", () => {
    // Act
    const { resource, ref } = synthConstruct(
      (scope) => new GlueWorkflow(scope, "etl_workflow", { workflowName: "metriccare_etl_dev", stages: STAGES }),
    );
    // Assess
    const workflowName = ref("aws_glue_workflow", "etl_workflow/workflow", "name");
    expect(resource("aws_glue_trigger", "etl_workflow/bronze_to_silver")).toEqual(
      expect.objectContaining({
        name: "metriccare_etl_dev_bronze_to_silver",
        type: "CONDITIONAL",
        workflow_name: workflowName,
        start_on_creation: true,
        predicate: { conditions: [{ job_name: "metriccare_bronze_job_dev", state: "SUCCEEDED", logical_operator: "EQUALS" }] },
        actions: [{ job_name: "metriccare_silver_job_dev" }],
      }),
    );
    expect(resource("aws_glue_trigger", "etl_workflow/silver_to_gold")).toEqual(
      expect.objectContaining({
        name: "metriccare_etl_dev_silver_to_gold",
        predicate: { conditions: [{ job_name: "metriccare_silver_job_dev", state: "SUCCEEDED", logical_operator: "EQUALS" }] },
        actions: [{ job_name: "metriccare_gold_job_dev" }],
      }),
    );
  });

  it("exposes the workflow's name and ARN, the triggers in stage order and the final job", () => {
    // Act
    const { built, resolve, ref } = synthConstruct(
      (scope) => new GlueWorkflow(scope, "etl_workflow", { workflowName: "metriccare_etl_dev", stages: STAGES }),
    );
    // Assess
    expect(built.workflow).toBeInstanceOf(GlueWorkflowResource);
    expect(resolve(built.workflowName)).toBe(ref("aws_glue_workflow", "etl_workflow/workflow", "name"));
    expect(resolve(built.workflowArn)).toBe(ref("aws_glue_workflow", "etl_workflow/workflow", "arn"));
    expect(built.triggers.map((t) => t.node.id)).toEqual(["start_bronze", "bronze_to_silver", "silver_to_gold"]);
    expect(built.finalJobName).toBe("metriccare_gold_job_dev");
  });

  it("has just the on-demand trigger when there is one stage, whose job is the final one", () => {
    // Act
    const { built, json } = synthConstruct(
      (scope) => new GlueWorkflow(scope, "etl_workflow", { workflowName: "w", stages: [stage("bronze")] }),
    );
    // Assess
    expect(Object.keys(json.resource?.aws_glue_trigger ?? {})).toHaveLength(1);
    expect(built.triggers).toHaveLength(1);
    expect(built.triggers[0]).toBeInstanceOf(GlueTrigger);
    expect(built.finalJobName).toBe("metriccare_bronze_job_dev");
  });

  it("startRunStatement lets the trigger Lambda look at and start runs of this workflow only", () => {
    // Prepare
    const { built, resolve, ref } = synthConstruct(
      (scope) => new GlueWorkflow(scope, "etl_workflow", { workflowName: "w", stages: STAGES }),
    );
    // Act
    const statement = built.startRunStatement();
    // Assess
    expect(resolve(statement)).toEqual({
      sid: "StartThisWorkflow",
      effect: "Allow",
      actions: ["glue:GetWorkflowRuns", "glue:StartWorkflowRun"],
      resources: [ref("aws_glue_workflow", "etl_workflow/workflow", "arn")],
    });
  });

  it("rejects a workflow without stages", () => {
    // Act
    const act = () => synthConstruct((scope) => new GlueWorkflow(scope, "etl_workflow", { workflowName: "w", stages: [] }));
    // Assess
    expect(act).toThrow('GlueWorkflow "etl_workflow": `stages` must have at least one stage.');
  });

  it("rejects a stage name that cannot be part of a trigger name", () => {
    // Act
    const act = () =>
      synthConstruct(
        (scope) => new GlueWorkflow(scope, "etl_workflow", { workflowName: "w", stages: [stage("bronze"), stage("Silver-1")] }),
      );
    // Assess
    expect(act).toThrow(MetricCareValidationError);
    expect(act).toThrow('GlueWorkflow "etl_workflow": `stages[1].name` must be lowercase letters, digits and underscores, got "Silver-1".');
  });

  it("rejects a stage name used twice", () => {
    // Act
    const act = () =>
      synthConstruct(
        (scope) =>
          new GlueWorkflow(scope, "etl_workflow", { workflowName: "w", stages: [stage("bronze"), stage("silver"), stage("bronze")] }),
      );
    // Assess
    expect(act).toThrow('GlueWorkflow "etl_workflow": stage names must be unique, got "bronze", "silver", "bronze".');
  });

  it("rejects max_concurrent_runs below 1", () => {
    // Act
    const act = () =>
      synthConstruct((scope) => new GlueWorkflow(scope, "etl_workflow", { workflowName: "w", stages: STAGES, maxConcurrentRuns: 0 }));
    // Assess
    expect(act).toThrow('GlueWorkflow "etl_workflow": `maxConcurrentRuns` must be an integer between 1 and 1000, got 0.');
  });
});
