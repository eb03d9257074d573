// The core's HTTP API (docs/openapi.yaml), as small promise-returning calls.

import type { Identity, Message } from "./types";

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export interface Conversation {
  id: string;
  token: string;
}

export interface MessagesPage {
  messages: Message[];
  status?: string;
  agent?: { name: string; avatar?: string | null } | null;
}

export class Api {
  constructor(readonly base: string, readonly site: string) {}

  private async call<T>(method: string, path: string, body?: unknown, token?: string): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (token) headers.Authorization = "Bearer " + token;
    const response = await fetch(this.base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit",
    });
    if (!response.ok) {
      let detail = "HTTP " + response.status;
      try {
        const data = await response.json();
        detail = data.error || data.message || detail;
      } catch {
        /* not JSON */
      }
      throw new ApiError(response.status, detail);
    }
    const type = response.headers.get("Content-Type") || "";
    return (type.indexOf("json") >= 0 ? response.json() : response.text()) as Promise<T>;
  }

  private conversation(id: string, rest: string): string {
    return "/api/v1/conversations/" + encodeURIComponent(id) + rest;
  }

  createConversation(language: string, identity?: Identity): Promise<Conversation> {
    const body: Record<string, unknown> = { site: this.site, language };
    if (identity) body.identity = identity;
    return this.call("POST", "/api/v1/conversations", body);
  }

  send(c: Conversation, text: string, clientId: string): Promise<{ messages: Message[] }> {
    return this.call("POST", this.conversation(c.id, "/messages"), { text, client_id: clientId }, c.token);
  }

  messagesAfter(c: Conversation, after: number): Promise<MessagesPage> {
    return this.call("GET", this.conversation(c.id, "/messages?after=" + after), undefined, c.token);
  }

  close(c: Conversation): Promise<unknown> {
    return this.call("POST", this.conversation(c.id, "/close"), {}, c.token);
  }

  rate(c: Conversation, score: number, comment: string): Promise<unknown> {
    const body: Record<string, unknown> = { score };
    if (comment) body.comment = comment;
    return this.call("POST", this.conversation(c.id, "/rating"), body, c.token);
  }

  async transcript(c: Conversation): Promise<Blob> {
    const response = await fetch(this.base + this.conversation(c.id, "/transcript"), {
      headers: { Authorization: "Bearer " + c.token },
      credentials: "omit",
    });
    if (!response.ok) throw new ApiError(response.status, "HTTP " + response.status);
    return response.blob();
  }

  leaveMessage(name: string, email: string, text: string): Promise<unknown> {
    return this.call("POST", "/api/v1/sites/" + encodeURIComponent(this.site) + "/messages", { name, email, text });
  }

  socketUrl(c: Conversation): string {
    return this.base.replace(/^http/, "ws") + this.conversation(c.id, "/ws?token=" + encodeURIComponent(c.token));
  }
}
