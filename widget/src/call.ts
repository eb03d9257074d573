// The call button's audio: loaded (widget-call.js) only when a visitor presses "Call us".
// Microphone → 16-bit PCM over WS /voice/browser; the bot's 16-bit PCM is scheduled back to
// back; {"type":"clear"} drops queued speech at once (the caller talked over the bot).
// Protocol: voice/README.md, "Browser calling".

import type { CallEvent, CallHandle, CallOptions } from "./types";

const SERVER_RATES = [8000, 16000, 22050, 24000, 32000, 44100, 48000];
const WANTED_RATE = 16000; // what the recogniser uses: the browser resamples the microphone for free

function startCall(options: CallOptions): CallHandle {
  let ws: WebSocket | null = null;
  let audio: AudioContext | null = null;
  let mic: MediaStream | null = null;
  let processor: ScriptProcessorNode | null = null;
  let playRate = 16000;
  let playhead = 0;
  let playing: AudioBufferSourceNode[] = [];
  let ended = false;

  const stopPlayback = () => {
    for (const node of playing) {
      try { node.stop(); } catch (e) { /* already stopped */ }
    }
    playing = [];
    playhead = 0;
  };

  const end = (reason: string) => {
    if (ended) return;
    ended = true;
    if (ws && ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify({ type: "hangup" }));
      ws.close();
    }
    if (processor) processor.disconnect();
    if (mic) mic.getTracks().forEach((track) => track.stop());
    stopPlayback();
    if (audio) audio.close().catch(() => undefined);
    options.onEnd(reason);
  };

  const play = (data: ArrayBuffer) => {
    if (!audio) return;
    const pcm = new Int16Array(data);
    if (!pcm.length) return;
    const buffer = audio.createBuffer(1, pcm.length, playRate);
    const channel = buffer.getChannelData(0);
    for (let i = 0; i < pcm.length; i++) channel[i] = pcm[i] / 32768;
    const node = audio.createBufferSource();
    node.buffer = buffer;
    node.connect(audio.destination);
    playhead = Math.max(playhead, audio.currentTime);
    node.start(playhead);
    playhead += buffer.duration;
    playing.push(node);
    node.onended = () => { playing = playing.filter((n) => n !== node); };
  };

  const stream = (context: AudioContext, source: MediaStream, socket: WebSocket) => {
    const input = context.createMediaStreamSource(source);
    processor = context.createScriptProcessor(2048, 1, 1);
    processor.onaudioprocess = (event) => {
      if (socket.readyState !== WebSocket.OPEN) return;
      const samples = event.inputBuffer.getChannelData(0);
      const pcm = new Int16Array(samples.length);
      for (let i = 0; i < samples.length; i++) pcm[i] = Math.max(-1, Math.min(1, samples[i])) * 32767;
      socket.send(pcm.buffer);
    };
    input.connect(processor);
    processor.connect(context.destination); // a processor only runs when connected; it outputs silence
  };

  navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true } }).then(
    (source) => {
      if (ended) {
        source.getTracks().forEach((track) => track.stop());
        return;
      }
      mic = source;
      let context: AudioContext;
      try {
        context = new AudioContext({ sampleRate: WANTED_RATE });
      } catch (e) {
        context = new AudioContext(); // browsers that cannot resample: send the device rate
      }
      audio = context;
      context.resume().catch(() => undefined);
      if (SERVER_RATES.indexOf(context.sampleRate) < 0) {
        end("unsupported sample rate " + context.sampleRate);
        return;
      }
      const socket = new WebSocket(options.url);
      ws = socket;
      socket.binaryType = "arraybuffer";
      socket.onopen = () => {
        socket.send(JSON.stringify({ type: "start", sample_rate: context.sampleRate }));
        stream(context, source, socket);
      };
      socket.onmessage = (message) => {
        if (typeof message.data !== "string") {
          play(message.data as ArrayBuffer);
          return;
        }
        let event: CallEvent;
        try {
          event = JSON.parse(message.data);
        } catch (e) {
          return;
        }
        if (event.type === "ready") playRate = Number((event as { sample_rate?: number }).sample_rate) || playRate;
        else if (event.type === "clear") stopPlayback();
        options.onEvent(event);
        if (event.type === "hangup") end(event.reason || "hangup");
      };
      socket.onclose = () => end("closed");
    },
    () => end("microphone"),
  );

  return { hangup: () => end("hangup") };
}

const frontdesk = (window as unknown as { Frontdesk?: { _call?: typeof startCall } }).Frontdesk;
if (frontdesk) frontdesk._call = startCall;
