import { validateIntegerRange, validateOneOf } from "../../shared/validation";

/**
 * Glue versions the project tests end to end (etl/tests/test_end_to_end.py on the local Glue runtime):
 * 5.1 is Spark 3.5.6, Python 3.11, Hudi 1.0.2. Not 4.0 (Spark 3.3 and Python 3.10 cannot run locally
 * on Python 3.11; README "Upgrading from Glue 4.0"), not 5.0 (Hudi 0.15, untested), not yet 6.0 (README).
 */
export const GLUE_VERSIONS = ["5.1"] as const;
/** The version a configuration gets when it names none. */
export const DEFAULT_GLUE_VERSION: GlueVersion = "5.1";
export type GlueVersion = (typeof GLUE_VERSIONS)[number];

/** Worker types AWS offers for Spark ETL (`glueetl`) jobs on Glue 5.x. */
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
