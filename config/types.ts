import type * as v from "valibot";
import type {
  ATHENA_ENVIRONMENT_SCHEMA,
  ENVIRONMENT_SCHEMA,
  GLUE_ENVIRONMENT_SCHEMA,
  LAMBDA_ENVIRONMENT_SCHEMA,
  LIFECYCLE_ENVIRONMENT_SCHEMA,
  METRICCARE_CONFIG_SCHEMA,
  QUALITY_ENVIRONMENT_SCHEMA,
} from "./schema";

// The configuration's types come from its schema (config/schema.ts), the one place that says what
// each setting is and what an absent optional setting means. `...Input` is what a configuration file
// holds (optional settings may be left out); the others are what `validateConfig` returns, every
// default applied.

/** Trigger Lambda settings of one environment. */
export type LambdaEnvironmentConfig = v.InferOutput<typeof LAMBDA_ENVIRONMENT_SCHEMA>;
/** Glue job settings of one environment (all three jobs). */
export type GlueEnvironmentConfig = v.InferOutput<typeof GLUE_ENVIRONMENT_SCHEMA>;
/** S3 lifecycle days of one environment. */
export type LifecycleEnvironmentConfig = v.InferOutput<typeof LIFECYCLE_ENVIRONMENT_SCHEMA>;
/** Athena workgroup and analyst role of one environment. */
export type AthenaEnvironmentConfig = v.InferOutput<typeof ATHENA_ENVIRONMENT_SCHEMA>;
/** Data-quality and freshness alarm thresholds of one environment. */
export type QualityEnvironmentConfig = v.InferOutput<typeof QUALITY_ENVIRONMENT_SCHEMA>;
/** Everything that differs between environments, defaults applied. Synthesized as `local.environments[<name>]`. */
export type EnvironmentConfig = v.InferOutput<typeof ENVIRONMENT_SCHEMA>;
/** One environment as a configuration file writes it. */
export type EnvironmentConfigInput = v.InferInput<typeof ENVIRONMENT_SCHEMA>;
/** The whole application's configuration, validated: shared settings and one entry per environment. */
export type MetricCareConfig = v.InferOutput<typeof METRICCARE_CONFIG_SCHEMA>;
/** The whole configuration as `config/metriccare.config.ts` writes it. */
export type MetricCareConfigInput = v.InferInput<typeof METRICCARE_CONFIG_SCHEMA>;
