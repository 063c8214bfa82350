import { join } from "node:path";
import type { BundleFunctionOptions } from "./bundle-function";

/** The project's Lambda functions: folders under functions/, each with index.ts and dependencies.ts. */
export const PROJECT_FUNCTIONS = ["glue_trigger"] as const;
export type ProjectFunction = (typeof PROJECT_FUNCTIONS)[number];

/** How synth packages a function: from functions/<name>/index.ts to .build/functions/<name>.zip, cached. */
export function functionPackage(projectRoot: string, name: ProjectFunction): BundleFunctionOptions {
  return {
    entry: join(projectRoot, "functions", name, "index.ts"),
    zipPath: join(projectRoot, ".build", "functions", `${name}.zip`),
    cache: true,
  };
}
