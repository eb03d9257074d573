// Live transport for one conversation: a WebSocket that reconnects with exponential backoff
// and full jitter, and HTTP polling when WebSockets keep failing (blocked by a proxy) or the
// host asked for transport "http". Message ordering and de-duplication live in the app;
// this class only says "connected, catch up now" and hands over server events.

import type { Agent, Message } from "./types";

export type LinkState = "connecting" | "online" | "offline" | "polling";

export interface LinkEvents {
  message(message: Message): void;
  typing(role: string, on: boolean): void;
  status(status: string, agent: Agent | null): void;
  state(state: LinkState): void;
  /** The server refused one message (too long, rate limited, …); client_id says which. */
  refused(clientId: string | null, error: string, status: number): void;
  /** (Re)connected, or a poll is due: fetch everything after the last seen id, then resend the outbox. */
  catchUp(): void;
}

const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 15000;
const FAILURES_BEFORE_POLLING = 3;
const POLL_VISIBLE_MS = 3000;
const POLL_HIDDEN_MS = 15000;
/** A socket that closes sooner than this after opening counts as a failure (a proxy that accepts, then drops). */
const STABLE_AFTER_MS = 5000;

export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * Math.pow(2, attempt));
  return Math.round(ceiling / 2 + random() * (ceiling / 2)); // jitter: spread reconnects of many tabs
}

export class Connection {
  private socket: WebSocket | null = null;
  private failures = 0;
  private retryTimer = 0;
  private pollTimer = 0;
  private stopped = false;
  private polling = false;

  constructor(
    private readonly url: string,
    private readonly events: LinkEvents,
    private readonly httpOnly: boolean,
  ) {
    this.onOnline = this.onOnline.bind(this);
    this.onOffline = this.onOffline.bind(this);
    this.onVisible = this.onVisible.bind(this);
  }

  start(): void {
    window.addEventListener("online", this.onOnline);
    window.addEventListener("offline", this.onOffline);
    document.addEventListener("visibilitychange", this.onVisible);
    if (this.httpOnly) this.startPolling();
    else if (navigator.onLine === false) this.events.state("offline");
    else this.open();
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener("online", this.onOnline);
    window.removeEventListener("offline", this.onOffline);
    document.removeEventListener("visibilitychange", this.onVisible);
    clearTimeout(this.retryTimer);
    clearTimeout(this.pollTimer);
    if (this.socket) this.socket.close();
    this.socket = null;
  }

  get isOpen(): boolean {
    return !!this.socket && this.socket.readyState === WebSocket.OPEN;
  }

  send(data: object): boolean {
    if (!this.isOpen) return false;
    this.socket!.send(JSON.stringify(data));
    return true;
  }

  private open(): void {
    if (this.stopped || this.socket) return;
    this.events.state(this.polling ? "polling" : "connecting");
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.url);
    } catch {
      this.retry();
      return;
    }
    this.socket = socket;
    let stable = 0;
    socket.onopen = () => {
      stable = window.setTimeout(() => {
        this.failures = 0;
        this.stopPolling();
      }, STABLE_AFTER_MS);
      this.events.state("online");
      this.events.catchUp();
    };
    socket.onmessage = (event) => this.dispatch(event.data);
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      clearTimeout(stable);
      if (!this.stopped) this.retry();
    };
  }

  private dispatch(raw: unknown): void {
    let data: Record<string, any>;
    try {
      data = JSON.parse(String(raw));
    } catch {
      return;
    }
    if (data.type === "message" && data.message) this.events.message(data.message);
    else if (data.type === "typing") this.events.typing(String(data.role), !!data.on);
    else if (data.type === "status") this.events.status(String(data.status), data.agent || null);
    else if (data.type === "error") this.events.refused(data.client_id || null, String(data.error || ""), Number(data.status) || 400);
  }

  private retry(): void {
    if (this.stopped) return;
    if (navigator.onLine === false) {
      this.events.state("offline");
      return; // the "online" event reconnects
    }
    this.failures += 1;
    if (this.failures >= FAILURES_BEFORE_POLLING) this.startPolling();
    this.events.state(this.polling ? "polling" : "connecting");
    clearTimeout(this.retryTimer);
    this.retryTimer = window.setTimeout(() => this.open(), backoffDelay(this.failures - 1));
  }

  private startPolling(): void {
    if (this.polling) return;
    this.polling = true;
    this.events.state("polling");
    this.poll();
  }

  private stopPolling(): void {
    this.polling = false;
    clearTimeout(this.pollTimer);
  }

  private poll(): void {
    if (!this.polling || this.stopped) return;
    this.events.catchUp();
    this.pollTimer = window.setTimeout(() => this.poll(), document.hidden ? POLL_HIDDEN_MS : POLL_VISIBLE_MS);
  }

  private onOnline(): void {
    this.failures = 0;
    if (this.httpOnly) {
      this.events.state("polling");
      this.events.catchUp();
      return;
    }
    clearTimeout(this.retryTimer);
    this.open();
  }

  private onOffline(): void {
    this.events.state("offline");
    // A socket can look open for a long time after the network went away: drop it now and
    // reconnect (and replay with ?after=) as soon as the browser is back online.
    const socket = this.socket;
    this.socket = null;
    clearTimeout(this.retryTimer);
    if (socket) socket.close();
  }

  private onVisible(): void {
    if (!document.hidden && !this.isOpen && !this.httpOnly && navigator.onLine !== false) {
      clearTimeout(this.retryTimer);
      this.open();
    }
  }
}
