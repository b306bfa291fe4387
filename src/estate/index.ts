/** The local AWS estate: load an estate file, serve it to the real SDK clients. */
export { loadEstateFile, parseEstate } from './load.ts';
export { EstateFileError } from './errors.ts';
export { estateFileSchema, type EstateFile } from './schema.ts';
export {
  startEstateServer,
  type EstateServer,
  type EstateServerOptions,
  type EstateStats,
} from './server.ts';
export {
  estateAccounts,
  estateRegions,
  type Estate,
  type EstateAccount,
  type EstateRegion,
  type EstateFileSystem,
  type EstateKey,
} from './types.ts';
export { generateEstate, generateEstateFile, GENERATED_REGIONS, type GenerateOptions } from './generate.ts';
export { scaleTiming, type EstateTiming } from './timing.ts';
