import { validateIntegerRange, validateOneOf } from "../../shared/validation";

/** Glue versions this project's Spark jobs run on (Spark 3.3 / Python 3.10, Spark 3.5 / Python 3.11). */
export const GLUE_VERSIONS = ["4.0", "5.0"] as const;
export type GlueVersion = (typeof GLUE_VERSIONS)[number];

/** Worker types AWS offers for Spark ETL (`glueetl`) jobs on Glue 4.0 and 5.0. */
export const GLUE_WORKER_TYPES = ["G.1X", "G.2X", "G.4X", "G.8X", "G.12X", "G.16X", "R.1X", "R.2X", "R.4X", "R.8X"] as const;
export type GlueWorkerType = (typeof GLUE_WORKER_TYPES)[number];

/** Glue job settings validated wherever they come from (construct props or workspace configuration). */
export interface GlueJobSettings {
  readonly glueVersion?: string;
  readonly workerType?: string;
  readonly numberOfWorkers?: number;
  readonly timeoutMinutes?: number;
  readonly maxRetries?: number;
}

/** Throws {@link MetricCareValidationError} naming the first setting Glue would reject. */
export function validateGlueJobSettings(owner: string, settings: GlueJobSettings, fieldPrefix = ""): void {
  const f = (name: string): string => `${fieldPrefix}${name}`;
  validateOneOf<string>(owner, f("glueVersion"), settings.glueVersion, GLUE_VERSIONS);
  validateOneOf<string>(owner, f("workerType"), settings.workerType, GLUE_WORKER_TYPES);
  // Spark jobs need a driver and at least one executor; above that, account quotas decide, and
  // 1000 catches typos.
  validateIntegerRange(owner, f("numberOfWorkers"), settings.numberOfWorkers, 2, 1000);
  validateIntegerRange(owner, f("timeoutMinutes"), settings.timeoutMinutes, 1, 10080, "minutes");
  validateIntegerRange(owner, f("maxRetries"), settings.maxRetries, 0, 10);
}
