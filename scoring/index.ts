/** The scoring package: challenge definitions, run plans and the pure scoring functions. */
export * from "./challenge-schema.ts";
export * from "./plan.ts";
export * from "./measurements.ts";
export * from "./slo.ts";
