/** The scoring package: challenge definitions, run plans and the pure scoring functions. */
export * from "./challenge-schema.ts";
export * from "./plan.ts";
export * from "./measurements.ts";
export * from "./slo.ts";
export * from "./trials.ts";
export * from "./components.ts";
export * from "./score.ts";
export { scoreRobustService } from "./robust-service.ts";
export { scoreGracefulDegradation, timeToRecover } from "./graceful-degradation.ts";
export { scoreLongestUpkeep, secondUp, upSeconds, longestStreak, faultOutcomes } from "./longest-upkeep.ts";
