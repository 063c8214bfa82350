/** The buckets of an environment, by role; the value is the `<purpose>` part of the bucket name. */
export const BUCKET_PURPOSES = {
  raw: "raw",
  lakehouse: "lakehouse",
  scripts: "scripts",
  accessLogs: "access-logs",
  cloudtrail: "cloudtrail",
} as const;

/** Medallion layers, in workflow order. */
export const LAKEHOUSE_LAYERS = ["bronze", "silver", "gold"] as const;
export type LakehouseLayer = (typeof LAKEHOUSE_LAYERS)[number];

/** `<project>_<service>_<environment>`, the seed's naming standard (`metriccare_alerts_dev`). */
export function resourceName(project: string, service: string, environment: string): string {
  return `${project}_${service}_${environment}`;
}

/** Glue catalog database of a layer: `<project>_<layer>_<environment>`. */
export function catalogDatabaseName(project: string, layer: LakehouseLayer, environment: string): string {
  return resourceName(project, layer, environment);
}
