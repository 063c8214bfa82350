import { GlueTrigger } from "@cdktf/provider-aws/lib/glue-trigger";
import { GlueWorkflow as GlueWorkflowResource } from "@cdktf/provider-aws/lib/glue-workflow";
import { Construct } from "constructs";
import type { PolicyStatement } from "../../shared/policy-document";
import { MetricCareValidationError } from "../../shared/errors";
import { validateIntegerRange, validatePattern } from "../../shared/validation";

/** One step of the workflow: a named stage and the job it runs. */
export interface WorkflowStage {
  /** Short stage name used in trigger names, e.g. `bronze`. */
  readonly name: string;
  /** The job the stage runs. */
  readonly job: { readonly jobName: string };
}

/** Props for {@link GlueWorkflow}. */
export interface GlueWorkflowProps {
  /** Workflow name, e.g. `metriccare_etl_dev`. */
  readonly workflowName: string;
  /** Stages in order: the first starts on demand, each next one when the previous SUCCEEDED. */
  readonly stages: readonly WorkflowStage[];
  /**
   * Concurrent runs allowed; the trigger Lambda treats a refusal as "already running".
   * @default 1
   */
  readonly maxConcurrentRuns?: number;
}

/**
 * The ETL workflow Bronze → Silver → Gold: an ON_DEMAND trigger (started by the trigger Lambda)
 * runs the first stage, CONDITIONAL triggers run each next stage when the previous job
 * SUCCEEDED. `max_concurrent_runs = 1` keeps runs from overlapping.
 */
export class GlueWorkflow extends Construct {
  /** The workflow. */
  public readonly workflow: GlueWorkflowResource;
  /** Name of the workflow (the Lambda's `GLUE_WORKFLOW_NAME`). */
  public readonly workflowName: string;
  /** ARN of the workflow. */
  public readonly workflowArn: string;
  /** The triggers, in stage order. */
  public readonly triggers: GlueTrigger[];
  /** The job of the last stage: its success ends a run. */
  public readonly finalJobName: string;

  public constructor(scope: Construct, id: string, props: GlueWorkflowProps) {
    super(scope, id);
    const owner = `GlueWorkflow "${id}"`;
    const maxConcurrentRuns = props.maxConcurrentRuns ?? 1;
    const [first, ...rest] = props.stages;
    if (first === undefined) throw new MetricCareValidationError(owner, "`stages` must have at least one stage.");
    validateIntegerRange(owner, "maxConcurrentRuns", maxConcurrentRuns, 1, 1000);
    props.stages.forEach((stage, index) =>
      validatePattern(owner, `stages[${index}].name`, stage.name, /^[a-z0-9_]+$/, "lowercase letters, digits and underscores"),
    );
    if (new Set(props.stages.map((s) => s.name)).size !== props.stages.length) {
      throw new MetricCareValidationError(owner, `stage names must be unique, got ${props.stages.map((s) => `"${s.name}"`).join(", ")}.`);
    }

    this.workflow = new GlueWorkflowResource(this, "workflow", {
      name: props.workflowName,
      description: `MetricCare ETL: ${props.stages.map((s) => s.name).join(" → ")}`,
      maxConcurrentRuns,
    });
    this.workflowName = this.workflow.name;
    this.workflowArn = this.workflow.arn;

    this.triggers = [
      new GlueTrigger(this, `start_${first.name}`, {
        name: `${props.workflowName}_start_${first.name}`,
        type: "ON_DEMAND",
        // Left enabled, the provider calls StartTrigger after every create or replace, which starts a
        // workflow run (terraform-provider-aws #38222, #42498); StartWorkflowRun runs it regardless.
        enabled: false,
        workflowName: this.workflow.name,
        actions: [{ jobName: first.job.jobName }],
      }),
    ];
    let previous = first;
    for (const stage of rest) {
      this.triggers.push(
        new GlueTrigger(this, `${previous.name}_to_${stage.name}`, {
          name: `${props.workflowName}_${previous.name}_to_${stage.name}`,
          type: "CONDITIONAL",
          workflowName: this.workflow.name,
          // Conditional triggers are created disabled unless started on creation.
          startOnCreation: true,
          predicate: { conditions: [{ jobName: previous.job.jobName, state: "SUCCEEDED", logicalOperator: "EQUALS" }] },
          actions: [{ jobName: stage.job.jobName }],
        }),
      );
      previous = stage;
    }
    this.finalJobName = previous.job.jobName;
  }

  /** IAM statement for the trigger Lambda: look at and start runs of this workflow only. */
  public startRunStatement(): PolicyStatement {
    return {
      sid: "StartThisWorkflow",
      effect: "Allow",
      actions: ["glue:GetWorkflowRuns", "glue:StartWorkflowRun"],
      resources: [this.workflowArn],
    };
  }
}
