// The panel's CSS. It lives in the shadow root, so nothing leaks in from the host page or
// out to it. Colours meet WCAG AA contrast in light and dark mode.

export const APP_CSS = `
.fd{--fd-bg:#fff;--fd-text:#1b1b1f;--fd-muted:#55575f;--fd-bubble:#eef0f4;--fd-line:#c9ccd4;--fd-focus:#0b57d0;
--fd-panel-shadow:0 12px 40px rgba(0,0,0,.28);--fd-danger:#b3261e}
@media (prefers-color-scheme:dark){.fd{--fd-bg:#1c1d21;--fd-text:#eceef2;--fd-muted:#b4b8c2;--fd-bubble:#2d3037;
--fd-line:#4a4e58;--fd-focus:#8ab4ff;--fd-panel-shadow:0 12px 40px rgba(0,0,0,.6);--fd-danger:#ffb4ab}}
.fd button,.fd input,.fd textarea{font:inherit;color:inherit;margin:0}
.fd button{cursor:pointer}
.fd :focus-visible{outline:3px solid var(--fd-focus);outline-offset:2px}
.fd [hidden]{display:none!important}
.fd-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.fd-panel{position:fixed;bottom:20px;right:20px;width:380px;height:min(620px,calc(100vh - 40px));display:flex;
flex-direction:column;background:var(--fd-bg);color:var(--fd-text);border-radius:16px;box-shadow:var(--fd-panel-shadow);
overflow:hidden;border:1px solid var(--fd-line)}
.fd-left .fd-panel{right:auto;left:20px}
.fd-chat{display:flex;flex-direction:column;flex:1;min-height:0}
.fd-head{display:flex;align-items:center;gap:10px;padding:12px 10px 12px 16px;background:var(--fd-accent);color:var(--fd-on-accent)}
.fd-head h2{margin:0;font-size:16px;font-weight:700;line-height:1.3}
.fd-head p{margin:0;font-size:13px}
.fd-who{flex:1;display:flex;align-items:center;gap:10px;min-width:0}
.fd-avatar{width:36px;height:36px;border-radius:50%;flex:none;object-fit:cover;display:flex;align-items:center;
justify-content:center;font-weight:700;background:rgba(255,255,255,.25);color:inherit}
.fd-tools{display:flex;gap:2px}
.fd-icon{width:40px;height:40px;border:0;border-radius:8px;background:transparent;color:inherit;display:flex;
align-items:center;justify-content:center;padding:0}
.fd-icon:hover{background:rgba(127,127,127,.25)}
.fd-head .fd-icon:focus-visible{outline-color:currentColor;outline-offset:-3px}
.fd-icon svg{width:22px;height:22px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}
.fd-icon[aria-pressed=false] svg{opacity:.6}
.fd-banner{padding:6px 16px;font-size:13px;background:var(--fd-bubble);border-bottom:1px solid var(--fd-line)}
.fd-banner:empty{display:none}
.fd-note{margin:10px 12px 0;padding:10px 12px;border:1px solid var(--fd-line);border-radius:10px;font-size:14px}
.fd-note p{margin:0 0 6px}
.fd-log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:10px;overscroll-behavior:contain}
.fd-msg{display:flex;flex-direction:column;align-items:flex-start;max-width:85%}
.fd-customer{align-self:flex-end;align-items:flex-end}
.fd-has-cards{max-width:100%}
.fd-system{align-self:center;max-width:100%;font-size:13px;color:var(--fd-muted);text-align:center}
.fd-bubble{padding:9px 13px;border-radius:16px;background:var(--fd-bubble);overflow-wrap:anywhere;white-space:normal}
.fd-customer .fd-bubble{background:var(--fd-accent);color:var(--fd-on-accent)}
.fd-bubble p{margin:0}.fd-bubble p+p,.fd-bubble p+ul,.fd-bubble ul+p,.fd-bubble p+ol,.fd-bubble ol+p{margin-top:6px}
.fd-bubble ul,.fd-bubble ol{margin:0;padding-inline-start:20px}
.fd-bubble a{color:inherit;text-decoration:underline}
.fd-meta{display:flex;align-items:center;gap:6px;font-size:12px;color:var(--fd-muted);margin-bottom:3px}
.fd-meta img,.fd-meta .fd-avatar{width:22px;height:22px;font-size:11px;background:var(--fd-bubble)}
.fd-time{font-size:11px;color:var(--fd-muted);margin-top:3px}
.fd-pending .fd-bubble{opacity:.75}
.fd-failed .fd-time{color:var(--fd-danger)}
.fd-cards{list-style:none;margin:8px 0 0;padding:0 0 6px;display:flex;gap:8px;overflow-x:auto;scroll-snap-type:x mandatory;max-width:100%}
.fd-card{flex:none;width:200px;scroll-snap-align:start;border:1px solid var(--fd-line);border-radius:12px;overflow:hidden;
background:var(--fd-bg);display:flex;flex-direction:column}
.fd-card img{width:100%;height:120px;object-fit:cover;display:block;background:var(--fd-bubble)}
.fd-card-body{padding:8px 10px;display:flex;flex-direction:column;gap:4px;flex:1}
.fd-card h3{margin:0;font-size:14px}
.fd-card h3 a{color:inherit}
.fd-card p{margin:0;font-size:13px;color:var(--fd-muted)}
.fd-card-buttons{display:flex;flex-direction:column;gap:6px;padding:0 10px 10px}
.fd-chip{border:1.5px solid var(--fd-accent);background:var(--fd-bg);color:var(--fd-text);border-radius:18px;padding:6px 12px;
font-size:14px;text-align:center;text-decoration:none;display:inline-block}
.fd-chip:hover{background:var(--fd-bubble)}
.fd-quick{display:flex;flex-wrap:wrap;gap:6px;padding:0 12px 8px;justify-content:flex-end}
.fd-quick:empty{display:none}
.fd-typing{align-self:flex-start;padding:10px 14px;border-radius:16px;background:var(--fd-bubble);display:flex;gap:4px}
.fd-typing i{width:7px;height:7px;border-radius:50%;background:var(--fd-muted);animation:fd-dot 1.2s infinite}
.fd-typing i:nth-child(2){animation-delay:.2s}.fd-typing i:nth-child(3){animation-delay:.4s}
@keyframes fd-dot{0%,60%,100%{opacity:.3}30%{opacity:1}}
@media (prefers-reduced-motion:reduce){.fd-typing i{animation:none}}
.fd-composer{display:flex;align-items:flex-end;gap:8px;padding:10px 12px;border-top:1px solid var(--fd-line)}
.fd-composer textarea{flex:1;resize:none;border:1px solid var(--fd-line);border-radius:12px;padding:9px 12px;max-height:120px;
background:var(--fd-bg);min-height:42px;line-height:1.4}
.fd-composer textarea::placeholder{color:var(--fd-muted);opacity:1}
.fd-send{width:42px;height:42px;border:0;border-radius:50%;background:var(--fd-accent);color:var(--fd-on-accent);flex:none;
display:flex;align-items:center;justify-content:center;padding:0}
.fd-send svg{width:20px;height:20px;fill:currentColor}
.fd[dir=rtl] .fd-send svg{transform:scaleX(-1)}
.fd-primary{border:0;border-radius:10px;padding:9px 14px;background:var(--fd-accent);color:var(--fd-on-accent);font-weight:600}
.fd-link{border:0;background:none;padding:0;text-decoration:underline;color:inherit}
.fd-form{padding:12px 16px;display:flex;flex-direction:column;gap:10px;overflow-y:auto;flex:1}
.fd-form label{display:flex;flex-direction:column;gap:4px;font-size:14px;font-weight:600}
.fd-form input,.fd-form textarea{border:1px solid var(--fd-line);border-radius:8px;padding:8px 10px;background:var(--fd-bg);font-weight:400}
.fd-stars{display:flex;gap:4px}
.fd-star{width:40px;height:40px;border:1px solid var(--fd-line);border-radius:8px;background:var(--fd-bg);font-size:20px;line-height:1;padding:0}
.fd-star[aria-pressed=true]{background:var(--fd-accent);color:var(--fd-on-accent);border-color:var(--fd-accent)}
.fd-csat textarea{width:100%;margin:8px 0;border:1px solid var(--fd-line);border-radius:8px;padding:6px 8px;background:var(--fd-bg)}
.fd-proactive{position:fixed;bottom:92px;right:20px;max-width:280px;display:flex;align-items:flex-start;gap:4px;
background:var(--fd-bg);color:var(--fd-text);border:1px solid var(--fd-line);border-radius:14px;box-shadow:var(--fd-panel-shadow);padding:4px}
.fd-left .fd-proactive{right:auto;left:20px}
.fd-proactive>button:first-child{border:0;background:none;text-align:start;padding:8px 10px;flex:1}
.fd-proactive .fd-icon{width:32px;height:32px}
.fd-head .fd-icon.fd-live{background:#b3261e;color:#fff}
.fd-call ul{margin:0;padding:0;list-style:none;max-height:7.5em;overflow-y:auto}
.fd-call li{margin:2px 0}
@media (max-width:480px){
.fd-panel{inset:0;width:100%;height:100%;height:100dvh;border-radius:0;border:0}
.fd-left .fd-panel{left:0}
.fd-composer textarea{font-size:16px}
}
`;
