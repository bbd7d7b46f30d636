/** The metadata file: loading with positioned problems, the typed model, and where the database is. */
export * from './types.js';
export { loadMetadata, parseMetadata, resolveMetadataPath, type LoadMetadataOptions, type ParseMetadataOptions } from './load.js';
export { parseDotenv, interpolate, type Env } from './env.js';
