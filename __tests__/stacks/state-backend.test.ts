import { existsSync, lstatSync, mkdirSync, readlinkSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { linkStateCommandBackups } from "../../stacks/state-backend";
import { tempDirectory } from "../support/test-context";

describe("linkStateCommandBackups", () => {
  it("links terraform.tfstate.d in the stack folder to the local workspaces, relative to the stack folder", () => {
    // Prepare
    const root = tempDirectory("metriccare-state-");
    const stack = join(root, "cdktf.out", "stacks", "metriccare");
    mkdirSync(stack, { recursive: true });

    // Act
    const made = linkStateCommandBackups(stack, root);
    const again = linkStateCommandBackups(stack, root);

    // Assess
    expect(made).toBe(true);
    expect(again).toBe(false);
    expect(readlinkSync(join(stack, "terraform.tfstate.d"))).toBe(join("..", "..", "..", "terraform.metriccare.tfstate.d"));
    expect(realpathSync(join(stack, "terraform.tfstate.d"))).toBe(realpathSync(join(root, "terraform.metriccare.tfstate.d")));
  });

  it("leaves a terraform.tfstate.d folder that is already there alone", () => {
    // Prepare
    const root = tempDirectory("metriccare-state-");
    const stack = join(root, "stack");
    mkdirSync(join(stack, "terraform.tfstate.d", "dev"), { recursive: true });

    // Act
    const made = linkStateCommandBackups(stack, root);

    // Assess
    expect(made).toBe(false);
    expect(lstatSync(join(stack, "terraform.tfstate.d")).isDirectory()).toBe(true);
    expect(existsSync(join(root, "terraform.metriccare.tfstate.d"))).toBe(false);
  });
});
