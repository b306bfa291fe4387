/**
 * The sandbox's one Slack channel, in memory: what the bot posted (messages, thread replies, edits),
 * what it said privately to each user, the modals open for each user, the files it uploaded, and
 * every call Slack would have refused. The page reads it through `snapshot(user)`; `version` grows
 * with each change so the page redraws only when something changed.
 */

export interface SandboxFile {
  id: string;
  title: string;
  filename: string;
  bytes: Buffer;
}

export interface SandboxMessage {
  ts: string;
  text: string;
  blocks?: unknown[];
  threadTs?: string;
  /** Files shared with this message (files.completeUploadExternal). */
  fileIds?: string[];
  edited?: boolean;
}

export interface EphemeralMessage extends SandboxMessage {
  user: string;
}

export interface SandboxView {
  id: string;
  /** The view as the bot sent it (blocks, title, submit, callback_id, private_metadata…). */
  view: Record<string, unknown>;
  hash: string;
  /** `response_action: errors` of the last submission, by block_id. */
  errors?: Record<string, string>;
}

export interface RejectedCall {
  at: number;
  method: string;
  error: string;
  messages: string[];
}

export interface ChannelSnapshot {
  version: number;
  channel: string;
  messages: (SandboxMessage & { replies: SandboxMessage[] })[];
  ephemeral: SandboxMessage[];
  views: SandboxView[];
  files: Omit<SandboxFile, 'bytes'>[];
  rejected: RejectedCall[];
}

export class SandboxChannel {
  version = 0;
  private readonly messages: SandboxMessage[] = [];
  private readonly ephemeral: EphemeralMessage[] = [];
  /** Each user's modal stack, top last. */
  private readonly viewStacks = new Map<string, SandboxView[]>();
  readonly files = new Map<string, SandboxFile>();
  readonly rejected: RejectedCall[] = [];
  private tsCounter = 0;
  private viewCounter = 0;

  constructor(readonly channelId: string) {}

  /** Slack's message timestamps: seconds, a dot, six digits; increasing. */
  nextTs(): string {
    this.tsCounter++;
    return `${Math.floor(Date.now() / 1000)}.${String(this.tsCounter).padStart(6, '0')}`;
  }

  private changed(): void {
    this.version++;
  }

  /** Something the page shows besides the channel changed (the clock): it redraws. */
  touch(): void {
    this.changed();
  }

  post(message: Omit<SandboxMessage, 'ts'>): SandboxMessage {
    const stored = { ...message, ts: this.nextTs() };
    this.messages.push(stored);
    this.changed();
    return stored;
  }

  message(ts: string): SandboxMessage | undefined {
    return this.messages.find((m) => m.ts === ts);
  }

  update(ts: string, change: { text?: string; blocks?: unknown[] }): SandboxMessage | undefined {
    const m = this.message(ts);
    if (!m) return undefined;
    if (change.text !== undefined) m.text = change.text;
    if (change.blocks !== undefined) m.blocks = change.blocks;
    m.edited = true;
    this.changed();
    return m;
  }

  postEphemeral(user: string, message: Omit<SandboxMessage, 'ts'>): EphemeralMessage {
    const stored = { ...message, user, ts: this.nextTs() };
    this.ephemeral.push(stored);
    this.changed();
    return stored;
  }

  ephemeralMessage(ts: string): EphemeralMessage | undefined {
    return this.ephemeral.find((m) => m.ts === ts);
  }

  replaceEphemeral(ts: string, change: { text: string; blocks?: unknown[] }): void {
    const m = this.ephemeralMessage(ts);
    if (!m) return;
    m.text = change.text;
    m.blocks = change.blocks;
    this.changed();
  }

  openView(user: string, view: Record<string, unknown>, mode: 'open' | 'push'): SandboxView {
    const opened: SandboxView = {
      id: `V${String(++this.viewCounter).padStart(8, '0')}`,
      view,
      hash: `${Date.now()}.${this.viewCounter}`,
    };
    const stack = mode === 'open' ? [] : (this.viewStacks.get(user) ?? []);
    this.viewStacks.set(user, [...stack, opened]);
    this.changed();
    return opened;
  }

  /** The open view with this ID (or external_id), and whose stack it is in. */
  findView(idOrExternal: string): { user: string; view: SandboxView } | undefined {
    for (const [user, stack] of this.viewStacks)
      for (const view of stack)
        if (view.id === idOrExternal || view.view.external_id === idOrExternal) return { user, view };
    return undefined;
  }

  updateView(found: SandboxView, view: Record<string, unknown>): void {
    found.view = view;
    found.hash = `${Date.now()}.${++this.viewCounter}`;
    found.errors = undefined;
    this.changed();
  }

  setViewErrors(found: SandboxView, errors: Record<string, string>): void {
    found.errors = errors;
    this.changed();
  }

  /** Closes the top view (a submission without response_action), or all of them (`clear`). */
  closeView(user: string, all = false): void {
    const stack = this.viewStacks.get(user) ?? [];
    this.viewStacks.set(user, all ? [] : stack.slice(0, -1));
    this.changed();
  }

  addFile(file: SandboxFile): void {
    this.files.set(file.id, file);
  }

  reject(method: string, error: string, messages: string[]): void {
    this.rejected.push({ at: Date.now(), method, error, messages });
    this.changed();
  }

  snapshot(user: string): ChannelSnapshot {
    const roots = this.messages.filter((m) => !m.threadTs || m.threadTs === m.ts);
    return {
      version: this.version,
      channel: this.channelId,
      messages: roots.map((m) => ({
        ...m,
        replies: this.messages.filter((r) => r.threadTs === m.ts && r.ts !== m.ts),
      })),
      ephemeral: this.ephemeral.filter((m) => m.user === user).map(({ user: _user, ...m }) => m),
      views: this.viewStacks.get(user) ?? [],
      files: [...this.files.values()].map(({ bytes: _bytes, ...f }) => f),
      rejected: this.rejected,
    };
  }
}
