/**
 * How a workflow tells the outside world what it is doing, as aws-cdk-cli's `IIoHost` does:
 * workflows never touch Slack or the terminal. The Slack thread reporter and the CLI printer
 * both implement it; tests record the messages.
 */
export type IoLevel = 'error' | 'warn' | 'info' | 'progress' | 'debug';

export interface IoMessage<T = unknown> {
  level: IoLevel;
  /** Stable identifier of the message kind, e.g. `scan.region.done`. */
  code: string;
  message: string;
  data?: T;
  time: Date;
}

export interface IoHost {
  notify(msg: IoMessage): Promise<void>;
}

/** Swallows everything; for callers that only want the result. */
export const silentIoHost: IoHost = { notify: async () => {} };

/** Keeps every message; used by tests and by callers that render at the end. */
export class RecordingIoHost implements IoHost {
  readonly messages: IoMessage[] = [];
  async notify(msg: IoMessage): Promise<void> {
    this.messages.push(msg);
  }
}

/**
 * One IoHost a workflow writes to, fanned out to every host attached at the time (the Slack
 * reporters attach when the Slack app is wired, and detach on shutdown).
 */
export interface ProgressHub {
  io: IoHost;
  attach(host: IoHost): () => void;
}

export function createProgressHub(): ProgressHub {
  const hosts = new Set<IoHost>();
  return {
    io: {
      async notify(msg) {
        await Promise.all([...hosts].map((h) => h.notify(msg)));
      },
    },
    attach(host) {
      hosts.add(host);
      return () => void hosts.delete(host);
    },
  };
}
