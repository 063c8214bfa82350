import { Logger } from "./dependencies";

// Powertools writes JSON lines and reads LOG_LEVEL and POWERTOOLS_SERVICE_NAME; the fallback only
// names the service when the stack sets none.
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "metriccare-glue-trigger" });
