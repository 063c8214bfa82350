export { handler } from "./handler";
export type { GlueTriggerResult, TriggerStatus } from "./result";
export type { TriggerSource } from "./trigger-source";
