/** `bulwark/abuse`: per-client abuse signals and a 0-100 risk score with reasons. */
export { createAbuseDetector, type AbuseDetector, type AbuseDetectorOptions, type AbuseObservation, type RiskAssessment } from './detector.js';
export { classifyUserAgent, type UserAgentClass, type UserAgentKind } from './user-agents.js';
export type { AbuseSignal, RiskReason, SignalThresholds } from './signals.js';
