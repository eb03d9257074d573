// The chat panel, loaded on first open or when the browser is idle. It takes over the shadow
// root and launcher the loader drew (window.Frontdesk._ctx) and adds the conversation:
// resume, live updates, outbox with client ids, cards, quick replies, CSAT, transcript.

import { Api, ApiError, type Conversation, type MessagesPage } from "./api";
import { Connection, type LinkState } from "./connection";
import { h, icon, ICONS, uid } from "./dom";
import { fill, stringsFor } from "./i18n";
import { link, renderText, safeUrl } from "./markdown";
import { Store, type Pending } from "./store";
import { APP_CSS } from "./styles";
import type { Agent, CallEvent, CallHandle, CallOptions, Card, LoaderContext, Message, WidgetApp } from "./types";

const TYPING_TIMEOUT_MS = 15000;
const TYPING_SEND_EVERY_MS = 2500;

function createApp(ctx: LoaderContext): WidgetApp {
  const t = stringsFor(ctx.language);
  const config = ctx.config;
  const settings = { ...ctx.settings };
  if (settings.sound === undefined && config.sound) settings.sound = true;
  const store = new Store(ctx.site, !!config.consent_required);
  const api = new Api(ctx.base, ctx.site);
  const timeFormat = new Intl.DateTimeFormat(ctx.language, { hour: "numeric", minute: "2-digit" });

  let conversation: Conversation | null = null;
  let creating: Promise<Conversation> | null = null;
  let link_: Connection | null = null;
  let cursor = 0; // highest message id received through a complete stream (replay or socket)
  let status = "open";
  let agent: Agent | null = null;
  let historyLoaded = false;
  let opened = false;
  let outbox: Pending[] = [];
  const inFlight = new Set<string>();
  const viaSocket = new Set<string>();
  const messages = new Map<number, Message>();
  const rendered = new Map<number, HTMLElement>();
  const pendingEls = new Map<string, HTMLElement>();
  let typingTimer = 0;
  let lastTypingSent = 0;
  let syncing: Promise<void> | null = null;
  let syncAgain = false;
  let audio: AudioContext | null = null;

  // ---- the panel ----------------------------------------------------------------------
  ctx.addStyles(ctx.shadow, APP_CSS, true); // before the loader's sheet, whose launcher rules win

  const title = h("h2", { id: "fd-title" }, config.shop_name || t.chat);
  const subtitle = h("p", {}, config.agent_reply_time_text || "");
  const avatar = h("span", { class: "fd-avatar", "aria-hidden": "true" }, (config.shop_name || t.chat).charAt(0));
  const soundButton = h("button", { type: "button", class: "fd-icon", "aria-label": t.sound, title: t.sound }, icon(ICONS.sound));
  const transcriptButton = h("button", { type: "button", class: "fd-icon", "aria-label": t.transcript, title: t.transcript }, icon(ICONS.download));
  const restartButton = h("button", { type: "button", class: "fd-icon", "aria-label": t.startOver, title: t.startOver }, icon(ICONS.restart));
  const closeButton = h("button", { type: "button", class: "fd-icon", "aria-label": t.close, title: t.close }, icon(ICONS.close));
  const callButton = h("button", { type: "button", class: "fd-icon", "aria-label": t.call, title: t.call }, icon(ICONS.phone));
  callButton.hidden = true; // shown once the server says its voice line takes browser calls
  let shownAvatar: HTMLElement = avatar;
  soundButton.hidden = settings.sound === undefined;
  const header = h("div", { class: "fd-head" },
    h("div", { class: "fd-who" }, avatar, h("div", {}, title, subtitle)),
    h("div", { class: "fd-tools" }, callButton, soundButton, transcriptButton, restartButton, closeButton));

  const banner = h("div", { class: "fd-banner", role: "status" });
  const leaveOpenButton = h("button", { type: "button", class: "fd-link" }, t.leave);
  const awayNote = h("div", { class: "fd-note", role: "note" },
    h("p", {}, h("strong", {}, t.away), config.hours_text ? " " + config.hours_text : ""), leaveOpenButton);
  awayNote.hidden = config.open_now !== false;
  const callState = h("p", { role: "status" });
  const callLines = h("ul");
  const callNote = h("div", { class: "fd-note fd-call", role: "region", "aria-label": t.callStatus }, callState, callLines);
  callNote.hidden = true;

  const log = h("div", { class: "fd-log", role: "log", "aria-live": "polite", "aria-label": t.messages, tabindex: 0 });
  const greeting = greetingBubble(settings.greeting || config.greeting || t.greeting);
  log.appendChild(greeting);
  const typing = h("div", { class: "fd-typing" }, h("span", { class: "fd-sr" }), h("i"), h("i"), h("i"));
  typing.hidden = true;
  const csat = h("div", { class: "fd-note fd-csat" });
  csat.hidden = true;
  const ended = h("div", { class: "fd-note" }, h("p", {}, t.ended));
  const newChatButton = h("button", { type: "button", class: "fd-primary" }, t.newChat);
  ended.appendChild(newChatButton);
  ended.hidden = true;
  const quick = h("div", { class: "fd-quick", role: "group", "aria-label": t.quickReplies });

  const input = h("textarea", { rows: 1, "aria-label": t.message, placeholder: t.placeholder, maxlength: 2000 });
  const sendButton = h("button", { type: "submit", class: "fd-send", "aria-label": t.send }, icon(ICONS.send, true));
  const composer = h("form", { class: "fd-composer" }, input, sendButton);

  const acceptButton = h("button", { type: "button", class: "fd-primary" }, t.accept);
  const consent = h("div", { class: "fd-note" }, h("p", {}, t.consent), acceptButton);
  const chatView = h("div", { class: "fd-chat" },
    awayNote, callNote, log, typing, csat, ended, quick, consent, composer);

  const leaveForm = buildLeaveForm();
  leaveForm.hidden = true;

  const panel = h("div", { class: "fd-panel", role: "dialog", "aria-labelledby": "fd-title" }, header, banner, chatView, leaveForm);
  panel.hidden = true;

  const proactiveText = h("button", { type: "button" }, config.proactive_message || settings.greeting || config.greeting || t.greeting);
  const proactiveClose = h("button", { type: "button", class: "fd-icon", "aria-label": t.dismiss }, icon(ICONS.close));
  const proactive = h("div", { class: "fd-proactive", role: "status" }, proactiveText, proactiveClose);
  proactive.hidden = true;
  ctx.root.append(proactive, panel);

  // ---- rendering ----------------------------------------------------------------------
  function greetingBubble(text: string): HTMLElement {
    return h("div", { class: "fd-msg fd-bot" }, h("span", { class: "fd-sr" }, t.assistant + ": "), h("div", { class: "fd-bubble", dir: "auto" }, renderText(text)));
  }

  function timeOf(iso?: string): HTMLElement | null {
    if (!iso) return null;
    const when = new Date(iso);
    if (isNaN(when.getTime())) return null;
    return h("time", { datetime: when.toISOString() }, timeFormat.format(when));
  }

  function agentAvatar(who: Agent, cls = "fd-avatar"): HTMLElement {
    const src = safeUrl(who.avatar);
    if (src && /^https?:/.test(src)) return h("img", { class: cls, src, alt: "", referrerpolicy: "no-referrer" });
    return h("span", { class: cls, "aria-hidden": "true" }, (who.name || "?").charAt(0).toUpperCase());
  }

  function renderCard(card: Card): HTMLElement {
    const image = safeUrl(card.image);
    const href = safeUrl(card.url);
    const body = h("div", { class: "fd-card-body" },
      h("h3", { dir: "auto" }, href ? link(href, card.title) : card.title),
      card.subtitle ? h("p", { dir: "auto" }, card.subtitle) : null);
    const buttons = h("div", { class: "fd-card-buttons" });
    for (const button of card.buttons || []) {
      const url = safeUrl(button.url);
      if (url) {
        const a = link(url, button.label);
        a.className = "fd-chip";
        buttons.appendChild(a);
      } else if (button.payload || button.label) {
        const b = h("button", { type: "button", class: "fd-chip", dir: "auto" }, button.label);
        b.addEventListener("click", () => send(button.payload || button.label));
        buttons.appendChild(b);
      }
    }
    return h("li", { class: "fd-card" }, image && /^https?:/.test(image) ? h("img", { src: image, alt: "", loading: "lazy", referrerpolicy: "no-referrer" }) : null,
      body, buttons.childNodes.length ? buttons : null);
  }

  function renderMessage(m: Message): HTMLElement {
    const who = m.role === "customer" ? t.you : m.role === "agent" && m.agent ? m.agent.name : t.assistant;
    const el = h("div", { class: "fd-msg fd-" + m.role + (m.cards && m.cards.length ? " fd-has-cards" : ""), "data-id": m.id });
    if (m.role === "agent" && m.agent) el.appendChild(h("div", { class: "fd-meta" }, agentAvatar(m.agent), m.agent.name));
    el.appendChild(h("span", { class: "fd-sr" }, who + ": "));
    if (m.text) el.appendChild(h("div", { class: "fd-bubble", dir: "auto" }, renderText(m.text)));
    if (m.cards && m.cards.length) {
      el.appendChild(h("ul", { class: "fd-cards", "aria-label": t.products }, ...m.cards.map(renderCard)));
    }
    const time = timeOf(m.created_at);
    if (time) el.appendChild(h("div", { class: "fd-time" }, time));
    return el;
  }

  function renderPending(p: Pending): void {
    const el = h("div", { class: "fd-msg fd-customer fd-pending", "data-client-id": p.clientId },
      h("span", { class: "fd-sr" }, t.you + ": "),
      h("div", { class: "fd-bubble", dir: "auto" }, renderText(p.text)),
      h("div", { class: "fd-time" }, t.sending));
    pendingEls.set(p.clientId, el);
    log.appendChild(el);
    scrollDown();
  }

  function insertInOrder(el: HTMLElement, id: number): void {
    // Messages may arrive out of order (an HTTP reply before the socket's echo): keep the log sorted by id,
    // with not-yet-acknowledged messages at the end.
    for (const child of Array.from(log.children) as HTMLElement[]) {
      const childId = child.dataset.id ? Number(child.dataset.id) : child.dataset.clientId ? Infinity : -Infinity;
      if (childId > id) {
        log.insertBefore(el, child);
        return;
      }
    }
    log.appendChild(el);
  }

  function scrollDown(): void {
    log.scrollTop = log.scrollHeight;
  }

  function renderQuickReplies(): void {
    quick.textContent = "";
    let last: Message | null = null;
    messages.forEach((m) => { if (!last || m.id > last.id) last = m; });
    const latest = last as Message | null;
    if (!latest || latest.role === "customer" || outbox.length || status === "closed") return;
    for (const text of latest.quick_replies || []) {
      const button = h("button", { type: "button", class: "fd-chip", dir: "auto" }, text);
      button.addEventListener("click", () => send(text));
      quick.appendChild(button);
    }
  }

  // ---- receiving ----------------------------------------------------------------------
  function acknowledge(m: Message): void {
    // The server's echo carries our client_id; without one, the oldest unacknowledged message with the same text.
    const match = (m.client_id && outbox.find((p) => p.clientId === m.client_id)) || outbox.find((p) => p.text === m.text);
    if (!match) return;
    outbox = outbox.filter((p) => p.clientId !== match!.clientId);
    inFlight.delete(match.clientId);
    const el = pendingEls.get(match.clientId);
    if (el) el.remove();
    pendingEls.delete(match.clientId);
    store.update({ outbox });
  }

  function receive(m: Message, live: boolean): void {
    if (!m || typeof m.id !== "number" || messages.has(m.id)) return;
    messages.set(m.id, m);
    if (m.role === "customer") acknowledge(m);
    else showTyping(null, false);
    const el = renderMessage(m);
    rendered.set(m.id, el);
    insertInOrder(el, m.id);
    if (m.role === "agent" && m.agent) setAgent(m.agent);
    if (m.role !== "customer" && live && historyLoaded && (!opened || document.hidden)) notify();
    afterChange();
  }

  function afterChange(): void {
    renderQuickReplies();
    if (opened && !document.hidden) markRead();
    updateBadge();
    scrollDown();
  }

  function markRead(): void {
    let max = store.get().readId || 0;
    messages.forEach((m) => { if (m.id > max) max = m.id; });
    if (max !== (store.get().readId || 0)) store.update({ readId: max });
  }

  function updateBadge(): void {
    const readId = store.get().readId || 0;
    let unread = 0;
    messages.forEach((m) => { if (m.role !== "customer" && m.id > readId) unread += 1; });
    if (opened && !document.hidden) unread = 0;
    ctx.badge.hidden = unread === 0;
    ctx.badge.textContent = unread > 9 ? "9+" : String(unread);
    ctx.launcher.setAttribute("aria-label", unread ? t.open + " (" + fill(t.unread, { n: unread }) + ")" : t.open);
  }

  function notify(): void {
    const soundOn = store.get().sound ?? settings.sound;
    if (!soundOn) return;
    try {
      const Ctor = window.AudioContext || (window as unknown as { webkitAudioContext: typeof AudioContext }).webkitAudioContext;
      audio = audio || new Ctor();
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.frequency.value = 880;
      gain.gain.value = 0.05;
      tone.connect(gain);
      gain.connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.15);
    } catch {
      /* no audio: the badge still shows */
    }
  }

  function showTyping(role: string | null, on: boolean): void {
    clearTimeout(typingTimer);
    typing.hidden = !on;
    if (on) {
      const name = role === "agent" && agent ? agent.name : t.assistant;
      typing.firstChild!.textContent = fill(t.typing, { name });
      typingTimer = window.setTimeout(() => { typing.hidden = true; }, TYPING_TIMEOUT_MS);
      scrollDown();
    }
  }

  function setAgent(who: Agent | null): void {
    agent = who;
    const next = who ? agentAvatar(who) : avatar;
    if (shownAvatar !== next) shownAvatar.replaceWith(next);
    shownAvatar = next;
    subtitle.textContent = who ? who.name : config.agent_reply_time_text || "";
  }

  function applyStatus(next: string, who: Agent | null, live: boolean): void {
    const previous = status;
    status = next;
    if (next === "handoff" && who) {
      if (live && historyLoaded && previous !== "handoff") log.appendChild(h("div", { class: "fd-msg fd-system" }, fill(t.joined, { name: who.name })));
      setAgent(who);
    } else if (next === "open" && previous === "handoff") {
      setAgent(null);
    }
    csat.hidden = !(next === "solved" && !store.get().rated);
    if (!csat.hidden && !csat.childNodes.length) buildCsat();
    ended.hidden = next !== "closed";
    renderQuickReplies();
    scrollDown();
  }

  const events = {
    message: (m: Message) => receive(m, true),
    typing: (role: string, on: boolean) => { if (role !== "customer") showTyping(role, on); },
    status: (s: string, who: Agent | null) => applyStatus(s, who, true),
    state: (state: LinkState) => {
      if (state !== "online") {
        // whatever went out on the socket that just dropped is resent (same client_id) after catching up
        viaSocket.forEach((id) => inFlight.delete(id));
        viaSocket.clear();
      }
      banner.textContent = state === "offline" ? t.offline : state === "connecting" && historyLoaded ? t.reconnecting : "";
    },
    catchUp: () => { sync().then(flush); },
    refused: (clientId: string | null, error: string, code: number) => {
      const p = clientId ? outbox.find((o) => o.clientId === clientId) : undefined;
      if (!p) console.warn("Frontdesk:", error);
      else if (code === 429) {
        inFlight.delete(p.clientId); // rate limited: try again shortly, same client_id
        viaSocket.delete(p.clientId);
        setTimeout(flush, 3000);
      } else fail(p, error);
    },
  };

  function sync(): Promise<void> {
    if (!conversation) return Promise.resolve();
    if (syncing) {
      syncAgain = true;
      return syncing;
    }
    const current = conversation;
    syncing = api.messagesAfter(current, cursor)
      .then((page: MessagesPage) => {
        if (conversation !== current) return;
        const live = historyLoaded;
        for (const m of page.messages || []) {
          receive(m, live);
          if (m.id > cursor) cursor = m.id;
        }
        if (page.status) applyStatus(page.status, page.agent || null, live);
        historyLoaded = true;
      })
      .catch((error) => { if (error instanceof ApiError) conversationGone(error); })
      .then(() => {
        syncing = null;
        if (syncAgain) {
          syncAgain = false;
          return sync();
        }
      });
    return syncing;
  }

  /** The server no longer knows this conversation (expired, deleted, token revoked): start afresh. */
  function conversationGone(error: ApiError): void {
    if (error.status === 401 || error.status === 403 || error.status === 404 || error.status === 410) {
      console.warn("Frontdesk: conversation no longer available (" + error.status + "), starting a new one.");
      const unsent = outbox;
      resetLocal();
      store.clearConversation();
      for (const p of unsent) queue(p);
      if (unsent.length) ensureConversation().then(flush, showError);
    }
  }

  // ---- sending ------------------------------------------------------------------------
  function queue(p: Pending): void {
    outbox.push(p);
    store.update({ outbox });
    renderPending(p);
  }

  function send(raw: string): void {
    const text = (raw || "").trim();
    if (!text || !store.consented) return;
    if (status === "closed") startOver();
    queue({ clientId: uid(), text });
    quick.textContent = "";
    ensureConversation().then(flush, showError);
  }

  function flush(): void {
    const current = conversation;
    if (!current) return;
    for (const p of outbox) {
      if (inFlight.has(p.clientId)) continue;
      if (link_ && link_.isOpen) {
        inFlight.add(p.clientId);
        viaSocket.add(p.clientId);
        link_.send({ type: "message", text: p.text, client_id: p.clientId });
      } else if (navigator.onLine !== false) {
        inFlight.add(p.clientId);
        api.send(current, p.text, p.clientId)
          .then((result) => {
            if (conversation !== current) return;
            // Bot replies are shown now; the replay fills in our own message (with its id) and keeps order.
            for (const m of result.messages || []) receive(m, true);
            sync();
          })
          .catch((error) => {
            inFlight.delete(p.clientId);
            if (error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 401 && error.status !== 404 && error.status !== 429) {
              fail(p, error.message);
            } else if (error instanceof ApiError) {
              conversationGone(error);
            }
            // network errors: stays in the outbox, resent on reconnect
          });
      }
    }
  }

  function fail(p: Pending, reason: string): void {
    outbox = outbox.filter((o) => o.clientId !== p.clientId);
    store.update({ outbox });
    const el = pendingEls.get(p.clientId);
    if (el) {
      el.classList.add("fd-failed");
      el.querySelector(".fd-time")!.textContent = reason || t.error;
    }
  }

  function showError(error: unknown): void {
    console.warn("Frontdesk:", error);
    banner.textContent = t.error;
  }

  function ensureConversation(): Promise<Conversation> {
    if (conversation) return Promise.resolve(conversation);
    if (!creating) {
      const identity = settings.identity;
      creating = api.createConversation(ctx.language, identity)
        .catch((error) => {
          if (error instanceof ApiError && error.status === 401 && identity) {
            console.error("Frontdesk: the identity signature was rejected; continuing as a guest.");
            return api.createConversation(ctx.language);
          }
          throw error;
        })
        .then((c) => {
          adopt(c);
          store.update({ id: c.id, token: c.token, email: identity ? identity.email.trim().toLowerCase() : undefined, rated: false });
          hideProactive();
          return c;
        });
      creating.then(() => { creating = null; }, () => { creating = null; });
    }
    return creating;
  }

  function adopt(c: Conversation): void {
    conversation = { id: c.id, token: c.token };
    cursor = 0;
    historyLoaded = false;
    link_ = new Connection(api.socketUrl(conversation), events, settings.transport === "http");
    link_.start();
    if (settings.transport === "http") sync().then(flush);
  }

  function resetLocal(): void {
    if (link_) link_.stop();
    link_ = null;
    conversation = null;
    cursor = 0;
    status = "open";
    outbox = [];
    inFlight.clear();
    messages.clear();
    rendered.clear();
    pendingEls.clear();
    historyLoaded = false;
    log.textContent = "";
    log.appendChild(greeting);
    quick.textContent = "";
    csat.hidden = true;
    csat.textContent = "";
    ended.hidden = true;
    banner.textContent = "";
    showTyping(null, false);
    setAgent(null);
    updateBadge();
  }

  function startOver(): void {
    const current = conversation;
    if (current) api.close(current).catch(() => undefined);
    resetLocal();
    store.clearConversation();
    if (opened) input.focus();
  }

  // ---- CSAT, transcript, leave a message ------------------------------------------------
  function buildCsat(): void {
    let score = 0;
    const question = h("p", { id: "fd-csat-q" }, h("strong", {}, t.rateQ));
    const stars = h("div", { class: "fd-stars", role: "group", "aria-labelledby": "fd-csat-q" });
    for (let n = 1; n <= 5; n++) {
      const star = h("button", { type: "button", class: "fd-star", "aria-label": fill(t.rate, { n }), "aria-pressed": "false" }, "★");
      star.addEventListener("click", () => {
        score = n;
        stars.querySelectorAll("button").forEach((b, i) => b.setAttribute("aria-pressed", String(i + 1 === n)));
      });
      stars.appendChild(star);
    }
    const comment = h("textarea", { rows: 2, "aria-label": t.comment, placeholder: t.comment });
    const submit = h("button", { type: "button", class: "fd-primary" }, t.sendRating);
    submit.addEventListener("click", () => {
      if (!score || !conversation) return;
      api.rate(conversation, score, comment.value.trim()).then(() => {
        store.update({ rated: true });
        csat.textContent = "";
        csat.appendChild(h("p", { role: "status" }, t.rated));
      }, showError);
    });
    csat.append(question, stars, comment, submit);
  }

  function downloadTranscript(): void {
    if (!conversation) return;
    const current = conversation;
    api.transcript(current).then((blob) => {
      const url = URL.createObjectURL(blob);
      const a = h("a", { href: url, download: "conversation-" + current.id + ".txt" });
      ctx.shadow.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    }, showError);
  }

  function buildLeaveForm(): HTMLFormElement {
    const name = h("input", { type: "text", name: "name", required: true, autocomplete: "name" });
    const email = h("input", { type: "email", name: "email", required: true, autocomplete: "email" });
    const text = h("textarea", { name: "text", rows: 4, required: true });
    const done = h("p", { role: "status" });
    const back = h("button", { type: "button", class: "fd-link" }, t.back);
    const form = h("form", { class: "fd-form", "aria-label": t.leave },
      h("p", {}, h("strong", {}, t.away), config.hours_text ? " " + config.hours_text : ""),
      h("label", {}, t.name, name), h("label", {}, t.email, email), h("label", {}, t.yourMessage, text),
      h("button", { type: "submit", class: "fd-primary" }, t.sendMessage), done, back);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      api.leaveMessage(name.value.trim(), email.value.trim(), text.value.trim()).then(() => {
        done.textContent = t.left;
        text.value = "";
      }, (error) => { done.textContent = error instanceof ApiError ? error.message : t.error; });
    });
    back.addEventListener("click", () => showLeaveForm(false));
    return form;
  }

  function showLeaveForm(show: boolean): void {
    leaveForm.hidden = !show;
    chatView.hidden = show;
    (show ? (leaveForm.querySelector("input") as HTMLElement) : leaveOpenButton).focus();
  }

  // ---- open / close ---------------------------------------------------------------------
  function updateConsent(): void {
    consent.hidden = store.consented;
    composer.hidden = !store.consented;
  }

  function open(focus = true): void {
    hideProactive();
    if (!opened) {
      opened = true;
      panel.hidden = false;
      ctx.launcher.hidden = true;
      ctx.launcher.setAttribute("aria-expanded", "true");
      store.openInThisTab = true;
      markRead();
      updateBadge();
      scrollDown();
    }
    if (focus) (store.consented ? input : acceptButton).focus();
  }

  function close(): void {
    if (!opened) return;
    const hadFocus = ctx.shadow.activeElement !== null;
    opened = false;
    panel.hidden = true;
    ctx.launcher.hidden = false;
    ctx.launcher.setAttribute("aria-expanded", "false");
    store.openInThisTab = false;
    if (hadFocus) ctx.launcher.focus(); // only give focus back if it was ours; never take it from the host page
  }

  function showProactive(): void {
    if (opened || conversation || store.get().greeted) return;
    proactive.hidden = false;
  }

  function hideProactive(): void {
    if (!proactive.hidden) store.update({ greeted: true });
    proactive.hidden = true;
  }

  // ---- wiring -----------------------------------------------------------------------------
  composer.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value;
    input.value = "";
    send(text);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      composer.requestSubmit ? composer.requestSubmit() : composer.dispatchEvent(new Event("submit"));
    }
  });
  input.addEventListener("input", () => {
    const now = Date.now();
    if (link_ && now - lastTypingSent > TYPING_SEND_EVERY_MS && link_.send({ type: "typing" })) lastTypingSent = now;
  });
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.stopPropagation();
      close();
    }
  });
  closeButton.addEventListener("click", close);
  restartButton.addEventListener("click", startOver);
  newChatButton.addEventListener("click", startOver);
  transcriptButton.addEventListener("click", downloadTranscript);
  leaveOpenButton.addEventListener("click", () => showLeaveForm(true));
  acceptButton.addEventListener("click", () => {
    store.grant();
    store.openInThisTab = opened;
    updateConsent();
    input.focus();
  });
  soundButton.addEventListener("click", () => {
    const on = !(store.get().sound ?? settings.sound);
    store.update({ sound: on });
    soundButton.setAttribute("aria-pressed", String(on));
  });
  soundButton.setAttribute("aria-pressed", String(!!(store.get().sound ?? settings.sound)));
  proactiveText.addEventListener("click", () => open(true));
  proactiveClose.addEventListener("click", hideProactive);
  document.addEventListener("visibilitychange", () => { if (!document.hidden && opened) { markRead(); updateBadge(); } });

  // Other tabs: a new conversation, "start over", or messages read there.
  window.addEventListener("storage", (event) => {
    if (event.key !== store.key) return;
    const saved = store.refresh();
    if (saved.consent && !store.consented) {
      store.grant();
      updateConsent();
    }
    if (!saved.id && conversation) resetLocal();
    else if (saved.id && (!conversation || saved.id !== conversation.id)) {
      resetLocal();
      adopt({ id: saved.id, token: saved.token! });
    }
    updateBadge();
  });

  // ---- the call button: the voice line's browser calling; its audio code loads on first press ----
  let call: CallHandle | null = null;
  let calling = false;
  let callCode: Promise<void> | null = null;

  function loadCallCode(): Promise<void> {
    if (!callCode) {
      callCode = new Promise<void>((resolve, reject) => {
        const tag = document.createElement("script");
        tag.src = ctx.base + "/static/widget-call.js";
        tag.async = true;
        const app = document.querySelector<HTMLScriptElement>('script[src*="widget-app.js"]');
        if (app && app.nonce) tag.nonce = app.nonce; // hosts with a nonce-based CSP
        tag.onload = () => resolve();
        tag.onerror = () => {
          callCode = null;
          reject(new Error("Frontdesk: could not load widget-call.js"));
        };
        document.head.appendChild(tag);
      });
    }
    return callCode;
  }

  function showCalling(on: boolean): void {
    calling = on;
    callButton.setAttribute("aria-label", on ? t.endCall : t.call);
    callButton.title = on ? t.endCall : t.call;
    callButton.classList.toggle("fd-live", on);
  }

  function onCallEvent(event: CallEvent): void {
    if (event.type === "ready") callState.textContent = t.inCall;
    else if (event.type === "transcript" && event.final && event.text) callLines.appendChild(h("li", {}, h("strong", {}, t.you + ": "), event.text));
    else if (event.type === "bot" && event.text) callLines.appendChild(h("li", {}, h("strong", {}, t.assistant + ": "), event.text));
    else if (event.type === "agent" && event.text) callLines.appendChild(h("li", {}, h("strong", {}, (config.shop_name || t.chat) + ": "), event.text));
    callLines.scrollTop = callLines.scrollHeight;
  }

  function callEnded(reason: string): void {
    call = null;
    showCalling(false);
    callState.textContent = reason === "microphone" ? t.noMic : t.callEnded;
  }

  function toggleCall(): void {
    if (calling) {
      if (call) call.hangup();
      else callEnded("hangup"); // pressed again before widget-call.js arrived
      return;
    }
    showCalling(true);
    callNote.hidden = false;
    callLines.textContent = "";
    callState.textContent = t.calling;
    loadCallCode().then(() => {
      const start = (window as unknown as { Frontdesk: { _call?: (o: CallOptions) => CallHandle } }).Frontdesk._call;
      if (!calling || !start) return;
      call = start({
        url: ctx.base.replace(/^http/, "ws") + "/voice/browser?site=" + encodeURIComponent(ctx.site),
        onEvent: onCallEvent,
        onEnd: callEnded,
      });
    }, (error) => {
      console.error(error);
      callEnded("error");
    });
  }

  callButton.addEventListener("click", toggleCall);
  if (navigator.mediaDevices && window.WebSocket) {
    fetch(ctx.base + "/voice/available?site=" + encodeURIComponent(ctx.site), { credentials: "omit" })
      .then((response) => (response.ok ? response.json() : null))
      .then((body) => { callButton.hidden = !(body && body.calls); }, () => undefined);
  }

  // ---- start ------------------------------------------------------------------------------
  updateConsent();
  transcriptButton.hidden = false;
  const saved = store.get();
  // A different signed-in customer, or a signed-out visitor after a signed-in one: never show the old chat.
  const identityChanged = (settings.identity ? settings.identity.email.trim().toLowerCase() : undefined) !== saved.email;
  if (saved.id && saved.token && !identityChanged) {
    adopt({ id: saved.id, token: saved.token });
    for (const p of saved.outbox || []) queue(p);
  } else if (saved.id) {
    store.clearConversation();
  }
  if (store.openInThisTab) open(false);
  const delay = Number(config.proactive_delay_ms) || 0;
  if (delay > 0) setTimeout(showProactive, Math.max(0, delay - performance.now()));

  return { open, close, toggle: () => (opened ? close() : open(true)), startOver, isOpen: () => opened };
}

const frontdesk = (window as unknown as { Frontdesk?: { _ctx?: LoaderContext } }).Frontdesk;
const loaderContext = frontdesk && frontdesk._ctx;
if (loaderContext && !loaderContext.app) loaderContext.app = createApp(loaderContext);
