// What the widget remembers in the visitor's browser, per site key:
//   localStorage  "frontdesk:SITE"       {id, token, email, readId, outbox, rated, sound}  (shared by tabs)
//   sessionStorage "frontdesk:SITE:open"  "1" while the panel is open in this tab (survives page changes)
// With the consent gate on, nothing is written until the visitor accepts; until then the
// record lives in memory only.

export interface Pending {
  clientId: string;
  text: string;
}

export interface Saved {
  id?: string;
  token?: string;
  email?: string;
  readId?: number;
  outbox?: Pending[];
  rated?: boolean;
  sound?: boolean;
  consent?: boolean;
  greeted?: boolean;
}

function read(storage: Storage | null, key: string): string | null {
  try {
    return storage ? storage.getItem(key) : null;
  } catch {
    return null;
  }
}

function write(storage: Storage | null, key: string, value: string | null): void {
  try {
    if (!storage) return;
    if (value === null) storage.removeItem(key);
    else storage.setItem(key, value);
  } catch {
    /* storage full or blocked (private mode): the widget keeps working without resume */
  }
}

function safeStorage(kind: "localStorage" | "sessionStorage"): Storage | null {
  try {
    return window[kind];
  } catch {
    return null;
  }
}

export class Store {
  readonly key: string;
  private local = safeStorage("localStorage");
  private session = safeStorage("sessionStorage");
  private memory: Saved = {};
  private allowed: boolean;

  constructor(site: string, consentRequired: boolean) {
    this.key = "frontdesk:" + site;
    this.memory = this.load();
    this.allowed = !consentRequired || this.memory.consent === true;
  }

  get consented(): boolean {
    return this.allowed;
  }

  /** The visitor accepted the consent notice: from now on the record is kept. */
  grant(): void {
    this.allowed = true;
    this.update({ consent: true });
  }

  load(): Saved {
    try {
      return JSON.parse(read(this.local, this.key) || "{}") || {};
    } catch {
      return {};
    }
  }

  get(): Saved {
    return this.memory;
  }

  /** Re-read after another tab changed the record (storage event). */
  refresh(): Saved {
    this.memory = this.load();
    return this.memory;
  }

  update(patch: Partial<Saved>): void {
    this.memory = { ...this.memory, ...patch };
    if (this.allowed) write(this.local, this.key, JSON.stringify(this.memory));
  }

  /** Forget the conversation (start over) but keep the consent and sound choices. */
  clearConversation(): void {
    const { consent, sound } = this.memory;
    this.memory = { consent, sound };
    if (this.allowed) write(this.local, this.key, JSON.stringify(this.memory));
  }

  get openInThisTab(): boolean {
    return read(this.session, this.key + ":open") === "1";
  }

  set openInThisTab(open: boolean) {
    if (this.allowed) write(this.session, this.key + ":open", open ? "1" : null);
  }
}
