import { MetricCareValidationError } from "../../../modules/shared/errors";

describe("MetricCareValidationError", () => {
  it("is an Error named MetricCareValidationError whose message starts with the owner", () => {
    // Act
    const error = new MetricCareValidationError('GlueJob "bronze"', "`numberOfWorkers` must be an integer between 2 and 1000, got 1.");
    // Assess
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("MetricCareValidationError");
    expect(error.message).toBe('GlueJob "bronze": `numberOfWorkers` must be an integer between 2 and 1000, got 1.');
  });
});
