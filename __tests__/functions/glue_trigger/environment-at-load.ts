// Import first: the function's logger reads LOG_LEVEL and POWERTOOLS_SERVICE_NAME when its module loads, so the
// variables the stack sets must be in place before the handler is imported.
import { setEnvironment } from "./fixtures";

setEnvironment();
