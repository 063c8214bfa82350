import { Logger } from "./dependencies";

// Powertools reads LOG_LEVEL and POWERTOOLS_SERVICE_NAME from the environment the stack sets; config.ts
// requires both, like every other variable, so a missing one fails the invocation with a ConfigurationError.
export const logger = new Logger();
