/**
 * A cdktf command that would run Terraform is stopped before Terraform starts: its target is not
 * chosen explicitly, a destroy meets the stack's `prevent_destroy`, or the provider lock cannot be
 * written. The message says what was found and what to run instead.
 */
export class DeployRefusedError extends Error {
  public override readonly name = "DeployRefusedError";

  /** @param step what refused, e.g. `cdktf deploy` or `Provider lock` */
  public constructor(
    public readonly step: string,
    message: string,
  ) {
    super(message);
  }
}
