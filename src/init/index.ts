/** `spellbook init`: a first metadata file from a live database's catalog. */
export { initMetadata, type InitRequest, type InitResult } from './init.js';
export { guessScaffold, featureType, type Scaffold, type TableCatalog, type GuessedEntity, type GuessedGroup, type GuessedFeature } from './guess.js';
export { renderMetadata } from './render.js';
