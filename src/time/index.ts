export * from './instant.js';
export * from './duration.js';
