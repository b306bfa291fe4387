/** `estate capture`: real accounts into the estate format, with read-only calls. */
export {
  captureEstate,
  type CaptureOptions,
  type CaptureResult,
  type EstateFileJson,
  type RegionFailure,
} from './capture-estate.ts';
export { sdkCaptureSource, type SdkCaptureSource } from './sdk-capture-source.ts';
export type { CaptureClients, CaptureEc2, CaptureNotice, CaptureSource } from './ports.ts';
export { writeCapture, CaptureOutputExistsError } from './write-capture.ts';
