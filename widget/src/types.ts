// Shapes shared by the loader and the lazily loaded app. They mirror docs/openapi.yaml.

export interface Identity {
  email: string;
  signature: string;
}

/** What the host page may set with data-* attributes or window.frontdeskSettings. */
export interface HostSettings {
  site?: string;
  position?: "left" | "right";
  colour?: string;
  language?: string;
  greeting?: string;
  zIndex?: number;
  identity?: Identity;
  sound?: boolean;
  transport?: "auto" | "http";
}

/** GET /api/v1/sites/{key}/config */
export interface SiteConfig {
  site: string;
  shop_name?: string;
  greeting?: string;
  colour?: string;
  position?: string;
  language?: string;
  languages?: string[];
  open_now?: boolean;
  hours_text?: string;
  proactive_delay_ms?: number;
  proactive_message?: string;
  sound?: boolean;
  consent_required?: boolean;
  z_index?: number;
  agent_reply_time_text?: string;
}

export interface Button {
  label: string;
  payload?: string | null;
  url?: string | null;
}

export interface Card {
  title: string;
  subtitle?: string;
  image?: string | null;
  url?: string | null;
  buttons?: Button[];
}

export interface Agent {
  name: string;
  avatar?: string | null;
}

export interface Message {
  id: number;
  role: "customer" | "bot" | "agent";
  text: string;
  quick_replies?: string[];
  cards?: Card[];
  created_at?: string;
  agent?: Agent | null;
  client_id?: string | null;
}

/** Everything the loader hands to the app through window.Frontdesk._ctx. */
export interface LoaderContext {
  base: string;
  site: string;
  settings: HostSettings;
  config: SiteConfig;
  language: string;
  shadow: ShadowRoot;
  root: HTMLElement;
  launcher: HTMLButtonElement;
  badge: HTMLElement;
  app?: WidgetApp;
  addStyles(shadow: ShadowRoot, css: string, first?: boolean): void;
}

export interface WidgetApp {
  open(focus?: boolean): void;
  close(): void;
  toggle(): void;
  startOver(): void;
  isOpen(): boolean;
}

/** A browser call over WS /voice/browser (protocol in voice/README.md); the code lives in widget-call.js. */
export interface CallEvent {
  type: string;
  text?: string;
  final?: boolean;
  reason?: string;
  error?: string;
}

export interface CallOptions {
  url: string;
  onEvent(event: CallEvent): void;
  onEnd(reason: string): void;
}

export interface CallHandle {
  hangup(): void;
}
