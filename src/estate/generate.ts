export function generateEstate(): never { throw new Error('todo'); }
export type GenerateOptions = object;
