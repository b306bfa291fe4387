/** The sample estate shipped with the program (demo, tests, `estate serve` without a file of your own). */
import { fileURLToPath } from 'node:url';

export const SAMPLE_ESTATE_PATH = fileURLToPath(new URL('./sample-estate.json', import.meta.url));
