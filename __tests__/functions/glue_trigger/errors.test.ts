import { classifyError } from "../../../functions/glue_trigger/error-classification";
import {
  ConfigurationError,
  GlueTriggerError,
  InvalidEventError,
  RunStillFinishingError,
  WorkflowRunError,
} from "../../../functions/glue_trigger/errors";

describe("the glue_trigger errors", () => {
  it.each([
    ["ConfigurationError", new ConfigurationError("GLUE_WORKFLOW_NAME is not set"), false, "permanent"],
    ["InvalidEventError", new InvalidEventError("glue_run_end", "no detail"), false, "permanent"],
    ["RunStillFinishingError", new RunStillFinishingError("wr_1", "still RUNNING"), true, "run_still_finishing"],
    ["WorkflowRunError", new WorkflowRunError("no RunId"), true, "invalid_response"],
  ])("%s is a GlueTriggerError with its name, retryable %s and reason %s", (name, error, retryable, reason) => {
    // Assess
    expect(error).toBeInstanceOf(GlueTriggerError);
    expect(error).toBeInstanceOf(Error);
    expect({ name: error.name, retryable: error.retryable, reason: error.reason }).toEqual({ name, retryable, reason });
  });

  it.each([
    ["ConfigurationError", new ConfigurationError("GLUE_WORKFLOW_NAME is not set"), "permanent", "permanent"],
    ["InvalidEventError", new InvalidEventError("glue_run_end", "no detail"), "permanent", "permanent"],
    ["RunStillFinishingError", new RunStillFinishingError("wr_1", "still RUNNING"), "transient", "run_still_finishing"],
    ["WorkflowRunError", new WorkflowRunError("no RunId"), "transient", "invalid_response"],
  ])("classifies a %s by its flag: %s, reason %s", (_, error, kind, reason) => {
    // Act
    const classification = classifyError(error);

    // Assess
    expect(classification).toEqual({ kind, reason, errorName: error.name, errorMessage: error.message });
  });

  it("keeps the source an invalid event claimed", () => {
    // Act
    const error = new InvalidEventError("glue_run_end", "x");

    // Assess
    expect(error.triggerSource).toBe("glue_run_end");
  });

  it("keeps the run that is still finishing", () => {
    // Act
    const error = new RunStillFinishingError("wr_1", "still RUNNING");

    // Assess
    expect([error.runId, error.message]).toEqual(["wr_1", "still RUNNING"]);
  });
});
