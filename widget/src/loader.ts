// The loader every page view pays for: read the snippet's settings, ask the server for the
// site's config (the server checks the origin), draw the launcher inside a shadow root, and
// fetch the rest of the widget on first open or when the browser is idle.

import type { HostSettings, LoaderContext, SiteConfig } from "./types";

const VERSION = "0.1.0";
const OPEN_CHAT: Record<string, string> = {
  en: "Open chat",
  es: "Abrir chat",
  fr: "Ouvrir le chat",
  de: "Chat öffnen",
  ar: "افتح الدردشة",
};
const RTL = ["ar", "he", "fa", "ur"];
const DEFAULT_COLOUR = "#1f4fbf";

const LAUNCHER_CSS = `
:host{all:initial}
.fd{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Arabic",sans-serif;color:#1b1b1f}
.fd *{box-sizing:border-box}
.fd .fd-launcher{position:fixed;bottom:20px;right:20px;width:60px;height:60px;margin:0;padding:0;border:0;border-radius:50%;
background:var(--fd-accent);color:var(--fd-on-accent);box-shadow:0 4px 14px rgba(0,0,0,.3);cursor:pointer;
display:flex;align-items:center;justify-content:center}
.fd-left .fd-launcher{right:auto;left:20px}
.fd-launcher:hover{filter:brightness(1.08)}
.fd-launcher:focus-visible{outline:3px solid #fff;box-shadow:0 0 0 6px #111}
.fd-launcher[hidden]{display:none}
.fd-launcher svg{width:28px;height:28px;fill:currentColor}
.fd .fd-badge{position:absolute;top:-4px;right:-4px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;
background:#b3261e;color:#fff;font:700 12px/22px system-ui,sans-serif;text-align:center}
.fd-badge[hidden]{display:none}
`;

type Dataset = DOMStringMap;

function findScript(): HTMLScriptElement | null {
  const current = document.currentScript as HTMLScriptElement | null;
  if (current && current.src) return current;
  return document.querySelector<HTMLScriptElement>('script[data-site][src*="widget.js"]');
}

function settingsFrom(data: Dataset, user: HostSettings): HostSettings {
  const fromData: HostSettings = {
    site: data.site,
    position: data.position as HostSettings["position"],
    colour: data.colour || data.color,
    language: data.language,
    greeting: data.greeting,
    zIndex: data.zIndex ? Number(data.zIndex) : undefined,
    identity: data.email && data.signature ? { email: data.email, signature: data.signature } : undefined,
    sound: data.sound ? data.sound !== "off" && data.sound !== "false" : undefined,
    transport: data.transport as HostSettings["transport"],
  };
  const merged: HostSettings = {};
  for (const source of [fromData, user] as HostSettings[]) {
    for (const [key, value] of Object.entries(source)) {
      if (value !== undefined && value !== null && value !== "") (merged as Record<string, unknown>)[key] = value;
    }
  }
  return merged;
}

function validColour(value: unknown): string | null {
  return typeof value === "string" && /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(value) ? value : null;
}

/** Relative luminance (WCAG 2.x) of a #rgb / #rrggbb colour. */
function luminance(hex: string): number {
  let h = hex.slice(1);
  if (h.length === 3) h = h.replace(/./g, "$&$&");
  const channel = (i: number) => {
    const c = parseInt(h.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
}

/** Black or white text, whichever reaches AA (4.5:1) on the accent colour. */
function textOn(hex: string): string {
  return luminance(hex) > 0.179 ? "#000" : "#fff";
}

function pickLanguage(settings: HostSettings, config: SiteConfig): string {
  const offered = config.languages && config.languages.length ? config.languages : [config.language || "en"];
  if (settings.language) return settings.language.toLowerCase().slice(0, 2);
  for (const wanted of navigator.languages || [navigator.language]) {
    const code = (wanted || "").toLowerCase().slice(0, 2);
    if (offered.indexOf(code) >= 0) return code;
  }
  return (config.language || "en").slice(0, 2);
}

/**
 * Add CSS to the shadow root as a constructed stylesheet, which a host CSP's style-src does not block;
 * a <style> element where constructed stylesheets are missing. ``first`` puts it before existing sheets.
 */
export function addStyles(shadow: ShadowRoot, css: string, first = false): void {
  const root = shadow as ShadowRoot & { adoptedStyleSheets?: CSSStyleSheet[] };
  const Sheet = window.CSSStyleSheet as unknown as { new (): CSSStyleSheet & { replaceSync?(css: string): void } };
  if (root.adoptedStyleSheets && Sheet && Sheet.prototype.replaceSync) {
    const sheet = new Sheet();
    sheet.replaceSync!(css);
    root.adoptedStyleSheets = first ? [sheet, ...root.adoptedStyleSheets] : [...root.adoptedStyleSheets, sheet];
    return;
  }
  const style = document.createElement("style");
  style.textContent = css;
  shadow.insertBefore(style, first ? shadow.firstChild : null);
}

function whenIdle(callback: () => void): void {
  const w = window as unknown as { requestIdleCallback?: (cb: () => void, opts: object) => void };
  if (w.requestIdleCallback) w.requestIdleCallback(callback, { timeout: 4000 });
  else setTimeout(callback, 1500);
}

function boot(): void {
  const w = window as unknown as { Frontdesk?: { version?: string }; frontdeskSettings?: HostSettings };
  if (w.Frontdesk && w.Frontdesk.version) return; // the snippet was pasted twice
  const script = findScript();
  const settings = settingsFrom(script ? script.dataset : {}, w.frontdeskSettings || {});
  if (!script || !settings.site) {
    console.warn("Frontdesk: add data-site=\"SITE_KEY\" to the widget.js script tag.");
    return;
  }
  const site = settings.site;
  const base = new URL(".", script.src).href.replace(/\/$/, "");
  let ctx: LoaderContext | null = null;
  let app: Promise<void> | null = null;
  let pending: ((ctx: LoaderContext) => void) | null = null;

  const loadApp = (): Promise<void> => {
    if (!app) {
      app = new Promise<void>((resolve, reject) => {
        const tag = document.createElement("script");
        tag.src = base + "/static/widget-app.js";
        tag.async = true;
        if (script.nonce) tag.nonce = script.nonce; // hosts with a nonce-based CSP
        tag.onload = () => resolve();
        tag.onerror = () => reject(new Error("Frontdesk: could not load widget-app.js"));
        document.head.appendChild(tag);
      });
    }
    return app;
  };
  const withApp = (action: (ctx: LoaderContext) => void) => {
    if (!ctx) {
      pending = action; // called before the config arrived: do it once the launcher is up
      return;
    }
    const current = ctx;
    loadApp().then(() => current.app && action(current), (e) => console.error(e));
  };

  const api = {
    version: VERSION,
    open: () => withApp((c) => c.app!.open(true)),
    close: () => withApp((c) => c.app!.close()),
    toggle: () => withApp((c) => c.app!.toggle()),
    startOver: () => withApp((c) => c.app!.startOver()),
    _ctx: null as LoaderContext | null,
  };
  (window as unknown as Record<string, unknown>).Frontdesk = api;

  const refused = "Frontdesk: not loaded. Is " + location.origin + " on the allowed origins of site \"" + site + "\"? ";
  fetch(base + "/api/v1/sites/" + encodeURIComponent(site) + "/config", { credentials: "omit" })
    .then(
      (response) => {
        if (!response.ok) throw new Error(refused + "(HTTP " + response.status + ")");
        return response.json() as Promise<SiteConfig>;
      },
      // A refused origin gets no CORS headers, so the browser reports a network error.
      (error) => { throw new Error(refused + "(" + error + ")"); },
    )
    .then((config) => {
      ctx = mount(base, site, settings, config);
      api._ctx = ctx;
      ctx.launcher.addEventListener("click", () => withApp((c) => c.app!.toggle()));
      whenIdle(() => { loadApp().catch((e) => console.error(e)); });
      if (pending) withApp(pending);
    })
    .catch((error) => console.warn(error && error.message ? error.message : error));
}

function mount(base: string, site: string, settings: HostSettings, config: SiteConfig): LoaderContext {
  const language = pickLanguage(settings, config);
  const colour = validColour(settings.colour) || validColour(config.colour) || DEFAULT_COLOUR;
  const position = (settings.position || config.position) === "left" ? "left" : "right";
  const zIndex = Number(settings.zIndex || config.z_index) || 2147483000;

  // A custom element with !important inline styles: host selectors like `div {…}` never match it,
  // and inline !important beats the host's !important rules. Fixed and zero-sized: no layout shift.
  const host = document.createElement("frontdesk-widget");
  // cssText (CSSOM), not a style attribute: a host CSP without 'unsafe-inline' styles still allows it.
  host.style.cssText =
    "all:initial!important;display:block!important;position:fixed!important;width:0!important;height:0!important;" +
    "bottom:0!important;" + position + ":0!important;z-index:" + zIndex + "!important;";
  const shadow = host.attachShadow({ mode: "open" });
  addStyles(shadow, LAUNCHER_CSS);
  const root = document.createElement("div");
  root.className = "fd fd-" + position;
  root.lang = language;
  root.dir = RTL.indexOf(language) >= 0 ? "rtl" : "ltr";
  root.style.setProperty("--fd-accent", colour);
  root.style.setProperty("--fd-on-accent", textOn(colour));

  const launcher = document.createElement("button");
  launcher.type = "button";
  launcher.className = "fd-launcher";
  launcher.setAttribute("aria-label", OPEN_CHAT[language] || OPEN_CHAT.en);
  launcher.setAttribute("aria-expanded", "false");
  launcher.innerHTML = // static markup, no data in it
    '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01z"/></svg>';
  const badge = document.createElement("span");
  badge.className = "fd-badge";
  badge.setAttribute("aria-hidden", "true");
  badge.hidden = true;
  launcher.appendChild(badge);
  root.appendChild(launcher);
  shadow.appendChild(root);
  (document.body || document.documentElement).appendChild(host);
  return { base, site, settings, config, language, shadow, root, launcher, badge, addStyles };
}

boot();
