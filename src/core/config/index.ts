/** `bulwark/config`: secrets from the environment (`fromEnv`), with weak-secret refusal in production. */
export {
  checkEnv,
  describeEnvConfig,
  ENV_VARIABLES,
  fromEnv,
  type EnvCheck,
  type EnvConfig,
  type EnvProblem,
  type FromEnvOptions,
  type RequirableSecret,
} from './from-env.js';
export { maskSecret, secretWeakness, MIN_SECRET_LENGTH, type SecretWeakness } from './weak-secrets.js';
