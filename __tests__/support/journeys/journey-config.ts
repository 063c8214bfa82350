import type { MetricCareConfigInput } from "../../../config/types";
import { threeEnvironmentConfig } from "../config-fixtures";

// The configuration the journeys are recorded and evaluated with: the test configuration with the
// data-event trail; dev names no FHIR feed and no auditor (both fall back to the role that runs
// Terraform), staging and prod name a feed and an auditor of their own, each a role with no policy
// of its own: the stack's resource policies must suffice.

/** moto's account: recorded ARNs carry it. */
export const JOURNEY_ACCOUNT = "123456789012";
/** The role that runs Terraform (`aws_iam_session_context.issuer_arn`). */
export const DEPLOYER = `arn:aws:iam::${JOURNEY_ACCOUNT}:role/terraform-deployer`;
/** The role a FHIR feed delivers files with, per environment. */
export const uploaderOf = (environment: string): string => `arn:aws:iam::${JOURNEY_ACCOUNT}:role/fhir-feed-${environment}`;
/** The role an auditor reads the trail with, per environment. */
export const auditorOf = (environment: string): string => `arn:aws:iam::${JOURNEY_ACCOUNT}:role/auditor-${environment}`;

/** {@link threeEnvironmentConfig} with the trail, and a FHIR feed and an auditor in every environment but dev. */
export function journeyConfig(): MetricCareConfigInput {
  const config = threeEnvironmentConfig({ createDataEventTrail: true });
  return {
    ...config,
    environments: config.environments.map((e) =>
      e.name === "dev" ? e : { ...e, fhirUploaderArns: [uploaderOf(e.name)], auditorRoleArns: [auditorOf(e.name)] },
    ),
  };
}
