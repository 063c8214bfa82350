/**
 * The one error this project throws for configuration it cannot synthesize: a prop or setting
 * outside what AWS accepts. The message names the owner, the field, the value and what is allowed.
 */
export class MetricCareValidationError extends Error {
  public override readonly name = "MetricCareValidationError";

  public constructor(owner: string, message: string) {
    super(`${owner}: ${message}`);
  }

  /** An error whose message already names its owners (several issues in one paragraph). */
  public static ofMessage(message: string): MetricCareValidationError {
    const error = new MetricCareValidationError("", "");
    error.message = message;
    return error;
  }
}
